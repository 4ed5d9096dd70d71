/* refoulement-kg: timeline filters and the items' swatches (the page reads fine without this
 * script). */
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
  /* each item's swatch: a copy of its group's in the filter */
  var swatches = {};
  boxes.forEach(function (box) { swatches[box.dataset.group] = box.nextElementSibling; });
  Array.prototype.forEach.call(document.querySelectorAll("li.item[data-group]"), function (li) {
    var swatch = swatches[li.dataset.group];
    if (swatch) { li.insertBefore(swatch.cloneNode(false), li.firstChild); }
  });
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  apply();
  document.body.dataset.state = "settled";
})();
