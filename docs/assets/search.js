// The search page, over the index that Pagefind wrote into site/pagefind/ (publish/mkdocs_hooks.py).
// The index holds Chinese one character a word, so each term of a query (terms are set apart by spaces) is
// searched as an exact phrase of its characters, and a page is listed when it contains every term: every
// page containing the text is found, and nothing that merely shares a character (沭阳 does not find 阳光,
// 淮安市 nothing when no page says 淮安市). Punctuation is left out, as the index leaves it out. Pagefind
// gives exact matches no ranking, so they are put in the order of the same words searched loosely (which
// weighs where the words stand and how long the page is). Results are shown without the index's spaces
// between characters. Links are made under the site's base path (Pages).
(function () {
  var CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef";
  var IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  // Each Chinese character a word; runs of letters and digits whole; punctuation no word at all.
  var words = new RegExp("[" + IDEOGRAPHS + "]|[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+", "g");
  // The spaces the index put on either side of each CJK character (perhaps with <mark> tags beside them).
  var gaps = new RegExp("([" + CJK + "]) ((?:</?mark>)*)(?=\\S)|(\\S) ((?:</?mark>)*)(?=[" + CJK + "])", "g");
  var PAGE = 10;
  var base = new URL("../", document.currentScript.src).pathname;
  var pagefind = null;

  function joined(text) {
    if (!text) return "";
    text = text.replace(/<\/mark><mark>/g, "");
    for (var i = 0; i < 2; i++) {  // twice: a match takes the character that the next one starts from
      text = text.replace(gaps, function (m, a, tags, b, tags2) { return a !== undefined ? a + tags : b + tags2; });
    }
    return text;
  }

  // Each term as Pagefind's exact phrase (it matches a phrase only when quoted), and all words loosely.
  function queries(term) {
    var phrases = term.split(/\s+/).map(function (t) { return t.match(words) || []; })
      .filter(function (w) { return w.length; })
      .map(function (w) { return w.length > 1 ? '"' + w.join(" ") + '"' : w[0]; });
    return { phrases: phrases, loose: (term.match(words) || []).join(" ") };
  }

  async function search(term) {
    pagefind = pagefind || await import(base + "pagefind/pagefind.js");
    var q = queries(term);
    if (!q.phrases.length) return [];
    var found = await Promise.all(q.phrases.concat([q.loose]).map(function (x) { return pagefind.search(x); }));
    var loose = found.pop().results;
    var each = found.map(function (f) { return new Set(f.results.map(function (r) { return r.id; })); });
    var rank = {};
    loose.forEach(function (r, i) { rank[r.id] = i; });
    return found[0].results.filter(function (r) { return each.every(function (ids) { return ids.has(r.id); }); })
      .sort(function (a, b) { return (a.id in rank ? rank[a.id] : 1e9) - (b.id in rank ? rank[b.id] : 1e9); });
  }
  window.nbSearch = function (term) {  // result addresses in order: for the browser tests
    return search(term).then(function (results) {
      return Promise.all(results.map(function (r) { return r.data().then(function (d) { return d.url; }); }));
    });
  };

  var form = document.getElementById("nb-search-form");
  if (!form) return;
  var input = document.getElementById("nb-search-input");
  var status = document.getElementById("nb-search-status");
  var list = document.getElementById("nb-results");
  var more = document.getElementById("nb-search-more");
  var results = [], shown = 0, latest = 0;

  function item(data) {
    var li = document.createElement("li");
    li.className = "nb-result";
    var a = document.createElement("a");
    a.href = data.url;
    // Pagefind's text is escaped already; the title ends with the index's end-of-block mark
    a.innerHTML = joined(data.meta && data.meta.title || data.url).replace(/\s*·\s*$/, "");
    var p = document.createElement("p");
    p.innerHTML = joined(data.excerpt);
    li.appendChild(a);
    li.appendChild(p);
    return li;
  }
  async function showMore() {
    var next = results.slice(shown, shown + PAGE);
    shown += next.length;
    (await Promise.all(next.map(function (r) { return r.data(); }))).forEach(function (d) { list.appendChild(item(d)); });
    more.hidden = shown >= results.length;
  }
  async function run() {
    var term = input.value.trim(), ticket = ++latest;
    var address = new URLSearchParams(location.search);
    if (term) address.set("q", term); else address.delete("q");
    history.replaceState(history.state, "", location.pathname + (address.toString() ? "?" + address : ""));
    list.textContent = "";
    more.hidden = true;
    if (!term) { status.textContent = ""; return; }
    status.textContent = "正在搜索……";
    var found = await search(term);
    if (ticket !== latest) return;  // a later query has started
    results = found;
    shown = 0;
    // The terms as searched: their punctuation left out (the index leaves it out too), and said so.
    var terms = term.split(/\s+/).map(function (t) { return t.replace(/[^\p{L}\p{N}]+/gu, " ").trim(); })
      .filter(Boolean);
    var said = terms.map(function (t) { return "“" + t + "”"; }).join("和")
      + (/[^\p{L}\p{N}\s]/u.test(term) ? "（不计标点）" : "");
    status.textContent = !found.length ? "没有页面包含" + said : "找到 " + found.length + " 个页面包含" + said;
    await showMore();
  }
  var timer;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  more.addEventListener("click", showMore);
  form.hidden = false;
  var query = new URLSearchParams(location.search).get("q");
  if (query) { input.value = query; run(); }
})();
