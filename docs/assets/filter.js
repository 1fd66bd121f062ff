// Filter the rows of a summary table by year, province and level with the <select>s of a form.nb-filters
// placed before it. Progressive enhancement: the form stays hidden without JavaScript, and the table is
// complete. Rows carry data-year, data-region and data-level.
(function () {
  function init() {
    document.querySelectorAll("form.nb-filters").forEach(function (form) {
      if (form.dataset.ready) return;
      form.dataset.ready = "1";
      var box = form.nextElementSibling;
      var table = box && box.querySelector("table");
      if (!table) return;
      var selects = form.querySelectorAll("select[data-filter]");
      var output = form.querySelector("output");
      function apply() {
        var shown = 0, rows = table.tBodies[0].rows;
        Array.prototype.forEach.call(rows, function (row) {
          var ok = Array.prototype.every.call(selects, function (s) {
            return !s.value || row.getAttribute("data-" + s.dataset.filter) === s.value;
          });
          row.hidden = !ok;
          if (ok) shown++;
        });
        output.textContent = "显示 " + shown + " / " + rows.length + " 份报告";
      }
      selects.forEach(function (s) { s.addEventListener("change", apply); });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      form.hidden = false;
      apply();
    });
  }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
