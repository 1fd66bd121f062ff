// Filter the rows of a summary table by year, province and level with the <select>s of a form.nb-filters
// placed before it. Progressive enhancement: the form stays hidden without JavaScript, and the table is
// complete. Rows carry data-year, data-region and data-level. The choice is kept in the address
// (?year=2025&region=四川省), so a filtered view can be shared and reopened.
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
      var params = new URLSearchParams(location.search);
      selects.forEach(function (s) {
        var wanted = params.get(s.dataset.filter);
        if (wanted !== null && Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) s.value = wanted;
      });
      function apply() {
        var shown = 0, rows = table.tBodies[0].rows;
        Array.prototype.forEach.call(rows, function (row) {
          var ok = Array.prototype.every.call(selects, function (s) {
            return !s.value || row.getAttribute("data-" + s.dataset.filter) === s.value;
          });
          row.hidden = !ok;
          if (ok) shown++;
        });
        output.textContent = "显示 " + shown + " / " + rows.length + " 行";
      }
      function remember() {
        var query = new URLSearchParams(location.search);
        selects.forEach(function (s) { if (s.value) query.set(s.dataset.filter, s.value); else query.delete(s.dataset.filter); });
        var search = query.toString();
        history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
      }
      selects.forEach(function (s) { s.addEventListener("change", function () { apply(); remember(); }); });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      form.hidden = false;
      apply();
    });
  }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
