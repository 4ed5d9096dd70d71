/* refoulement-kg: the search box of every page, and the link to the SPARQL endpoint.
 *
 * The index (assets/search-index.js, MiniSearch's serialised form, written at build time) is
 * loaded with a <script> tag the first time the box is used, so that pages stay small and
 * the site works from file://. Results are grouped by kind; every string is put in place with
 * textContent.
 */
(function () {
  "use strict";
  var root = document.body.dataset.root || "";
  var KINDS = [["entity", "Entities"], ["event", "Events"], ["document", "Documents"],
               ["quote", "Quotes"]];
  var PER_KIND = 8;
  searchBox();
  var box = document.getElementById("site-search");
  var panel = document.getElementById("site-search-results");
  var engine = null;
  var waiting = [];

  /* The search box is made here, in the header, not repeated in every page. */
  function searchBox() {
    var header = document.querySelector("header.site-header");
    if (!header || document.getElementById("site-search")) { return; }
    var wrap = el("div", null, "site-search");
    wrap.setAttribute("role", "search");
    var input = el("input");
    input.type = "search";
    input.id = "site-search";
    input.placeholder = "Search names, events, documents, quotes…";
    input.autocomplete = "off";
    input.setAttribute("aria-label", "Search the site");
    wrap.appendChild(input);
    var results = el("div", null, "site-search-results");
    results.id = "site-search-results";
    results.hidden = true;
    wrap.appendChild(results);
    header.appendChild(wrap);
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function load(then) {
    if (engine) { then(engine); return; }
    waiting.push(then);
    if (waiting.length > 1) { return; }
    var script = document.createElement("script");
    script.src = root + "assets/search-index.js";
    script.onload = function () {
      var data = window.RKG_SEARCH;
      engine = MiniSearch.loadJS(data.index, data.options);
      window.rkgSearchReady = true;
      waiting.splice(0).forEach(function (f) { f(engine); });
    };
    document.head.appendChild(script);
  }

  function search(text) {
    var q = text.trim();
    if (!q) { return []; }
    return engine.search(q, { prefix: true, fuzzy: 0.15, combineWith: "AND",
                              boost: { title: 2 } });
  }

  function render(text) {
    panel.textContent = "";
    var found = search(text);
    panel.hidden = !text.trim();
    if (!found.length) { panel.appendChild(el("p", "No match.", "none")); return; }
    KINDS.forEach(function (kind) {
      var hits = found.filter(function (r) { return r.kind === kind[0]; });
      if (!hits.length) { return; }
      var section = el("section", null, "group");
      section.dataset.kind = kind[0];
      section.appendChild(el("h3", kind[1] + " (" + hits.length + ")"));
      var ul = el("ul");
      hits.slice(0, PER_KIND).forEach(function (r) {
        var li = el("li");
        var a = el("a", r.title.length > 160 ? r.title.slice(0, 159) + "…" : r.title);
        a.setAttribute("href", root + r.href);
        li.appendChild(a);
        if (r.sub) { li.appendChild(el("span", " " + r.sub, "kind")); }
        ul.appendChild(li);
      });
      section.appendChild(ul);
      panel.appendChild(section);
    });
  }

  if (box) {
    box.addEventListener("focus", function () { load(function () {}); });
    box.addEventListener("input", function () {
      var text = box.value;
      load(function () { if (box.value === text) { render(text); } });
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { panel.hidden = true; }
      if (event.key === "Enter") {
        var first = panel.querySelector("a");
        if (first) { window.location.href = first.getAttribute("href"); }
      }
    });
    document.addEventListener("click", function (event) {
      if (!panel.contains(event.target) && event.target !== box) { panel.hidden = true; }
    });
  }
  window.rkgSearch = { load: load, search: function (t) { return search(t); } };

  /* The SPARQL endpoint: assets/endpoint.js sets window.RKG_ENDPOINT (rkg viz --endpoint
   * URL). Without it, a site served over http(s) under /site/ is taken to be `rkg serve`'s,
   * whose query page is the server's root: "../" from the site root. From file://, none. */
  var link = document.getElementById("endpoint-link");
  var endpoint = window.RKG_ENDPOINT;
  if (!endpoint && /^https?:$/.test(window.location.protocol) &&
      /\/site\//.test(window.location.pathname)) {
    endpoint = "../";
  }
  if (link && endpoint && /^(https?:\/\/|\/|\.\.?\/)/.test(endpoint)) {
    link.setAttribute("href", /^\.\.?\//.test(endpoint) ? root + endpoint : endpoint);
    link.hidden = false;
  }
})();
