/* refoulement-kg: timeline filters (the page reads fine without this script). */
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#timeline-filter input"));
  function apply() {
    var shown = {};
    boxes.forEach(function (box) { shown[box.dataset.group] = box.checked; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-group]"), function (node) {
      if (node.tagName === "INPUT") { return; }
      node.hidden = shown[node.dataset.group] === false;
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  apply();
  document.body.dataset.state = "settled";
})();
