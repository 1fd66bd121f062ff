// A table wider than the screen scrolls inside its box; on a phone nothing else shows that columns are
// hidden to the right. A box that overflows says so above itself, until it has been scrolled to its end.
(function () {
  function mark() {
    document.querySelectorAll(".nb-scroll").forEach(function (box) {
      var more = box.scrollWidth - box.clientWidth - box.scrollLeft > 4;
      box.classList.toggle("nb-more", more);
    });
  }
  document.addEventListener("scroll", function (e) {
    if (e.target.classList && e.target.classList.contains("nb-scroll")) mark();
  }, true);
  window.addEventListener("resize", mark);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark); else mark();
})();
