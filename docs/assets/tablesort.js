// Click a header of a table with class "nb-sortable" to sort by that column (again to reverse).
// Progressive enhancement: without JavaScript the table is still complete, in its default order.
(function () {
  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.replace(/[,%*\s]/g, "");
    var num = parseFloat(raw);
    return raw !== "" && !isNaN(num) && /^-?[\d.]+$/.test(raw) ? num : raw === "" ? null : raw;
  }
  function sort(table, index, th) {
    var body = table.tBodies[0];
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index]), y = key(b.cells[index]);
      if (x === null) return 1;
      if (y === null) return -1;
      if (typeof x === "number" && typeof y === "number") return (x - y) * dir;
      return String(x).localeCompare(String(y), "zh") * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
  }
  function init() {
    document.querySelectorAll("table.nb-sortable").forEach(function (table) {
      if (!table.tHead || table.dataset.sortReady) return;
      table.dataset.sortReady = "1";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        th.tabIndex = 0;
        th.addEventListener("click", function () { sort(table, i, th); });
        th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(table, i, th); });
      });
    });
  }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
