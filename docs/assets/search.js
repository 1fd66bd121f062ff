// The search page: Pagefind's own interface over the index that `pagefind` wrote into site/pagefind/.
// Result links are made under the site's base path, so the site works under a project sub-path (Pages).
(function () {
  var base = new URL("../", document.currentScript.src).pathname;
  var ui = new PagefindUI({ element: "#search", baseUrl: base, showSubResults: true, showImages: false });
  var query = new URLSearchParams(location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
