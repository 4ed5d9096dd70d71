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
    Array.prototype.forEach.call(document.querySelectorAll("table.counts tbody tr"), function (row) {
      var all = row.querySelector("td.all");
      if (!all) { return; }
      var sum = 0;
      Array.prototype.forEach.call(row.querySelectorAll("td[data-group]"), function (cell) {
        if (!cell.hidden) { sum += Number(cell.textContent) || 0; }
      });
      all.textContent = String(sum);
      row.hidden = sum === 0;
    });
    Array.prototype.forEach.call(document.querySelectorAll("section.year"), function (section) {
      var any = section.querySelector("li.item:not([hidden])");
      section.hidden = !any;
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  apply();
  document.body.dataset.state = "settled";
})();
