// A table wider than the screen scrolls inside its box; on a phone nothing else shows that columns are
// hidden to the right. Above such a box a line says so, until the box has been scrolled to its end.
(function () {
  function mark() {
    document.querySelectorAll(".nb-scroll").forEach(function (box) {
      var more = box.scrollWidth - box.clientWidth - box.scrollLeft > 4;
      var hint = box.previousElementSibling;
      if (!hint || !hint.classList.contains("nb-scroll-hint")) {
        if (!more) return;
        hint = document.createElement("p");
        hint.className = "nb-scroll-hint";
        hint.setAttribute("aria-hidden", "true");  // the box itself is a labelled, scrollable region
        hint.textContent = "← 左右滑动查看更多列 →";
        box.parentNode.insertBefore(hint, box);
      }
      hint.hidden = !more;
      box.classList.toggle("nb-overflowing", more);
    });
  }
  document.addEventListener("scroll", function (e) {
    if (e.target.classList && e.target.classList.contains("nb-scroll")) mark();
  }, true);
  window.addEventListener("resize", mark);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark); else mark();
})();
