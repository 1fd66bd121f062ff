// The search page: Pagefind's own interface over the index that `pagefind` wrote into site/pagefind/.
// The index holds Chinese one character a word (publish/mkdocs_hooks.py), so a query's Chinese is sent as an
// exact phrase of its characters: every page containing the text is found, and nothing that merely shares a
// character (沭阳 does not find 阳光). Results are shown without the index's spaces between characters.
// Result links are made under the site's base path, so the site works under a project sub-path (Pages).
(function () {
  var CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef";
  var hasCJK = new RegExp("[" + CJK + "]");
  var spaces = new RegExp("([" + CJK + "]) ((?:</?mark>)*)(?=[" + CJK + "])", "g");
  function phrase(term) {
    return term.split(/\s+/).filter(Boolean).map(function (word) {
      return hasCJK.test(word) ? '"' + Array.from(word).join(" ") + '"' : word;
    }).join(" ");
  }
  function joined(text) {
    return text ? text.replace(/<\/mark><mark>/g, "").replace(spaces, "$1$2").replace(spaces, "$1$2") : text;
  }
  function clean(result) {
    result.excerpt = joined(result.excerpt);
    if (result.meta && result.meta.title) result.meta.title = joined(result.meta.title);
    (result.sub_results || []).forEach(function (sub) { sub.title = joined(sub.title); sub.excerpt = joined(sub.excerpt); });
    return result;
  }
  var base = new URL("../", document.currentScript.src).pathname;
  var ui = new PagefindUI({ element: "#search", baseUrl: base, showSubResults: true, showImages: false,
                            processTerm: phrase, processResult: clean,
                            translations: { placeholder: "机构名、地区或关键词" } });
  var query = new URLSearchParams(location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
