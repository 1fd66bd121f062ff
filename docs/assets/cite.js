// The citation's access date (GB/T 7714 引用日期) is the reader's today; the built page says 引用日期, so
// that every build of the site is byte-identical.
(function () {
  function init() {
    var d = new Date();
    var today = d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
    document.querySelectorAll(".nb-today").forEach(function (e) { e.textContent = today; });
  }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
