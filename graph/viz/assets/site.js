/* refoulement-kg: the header of every page (its navigation, the search box, the link to the
 * SPARQL endpoint), made here rather than repeated in every page's HTML (at 1,000 documents
 * 14,000 pages carried 0.6 KB of it each). Without JavaScript the header's name still links
 * to the index, which links to every view.
 *
 * The index (assets/search-index.js, written at build time in a compact form, deflated, that
 * `inflate` and `expand` turn into MiniSearch's serialised one) and MiniSearch itself are
 * loaded with <script> tags the first time the box is used, so that pages stay small and the
 * site works from file://. Results are grouped by kind; every string is put in place with
 * textContent.
 */
(function () {
  "use strict";
  var root = document.body.dataset.root || "";
  var KINDS = [["entity", "Entities"], ["event", "Events"], ["document", "Documents"],
               ["quote", "Quotes"]];
  var PER_KIND = 8;
  var VIEWS = [["index.html", "Index"], ["graph.html", "Whole graph"],
               ["explore.html", "Explorer"], ["map.html", "Map"], ["timeline.html", "Timeline"],
               ["advocacy.html", "Advocacy"], ["questions.html", "Questions"]];
  navigation();
  searchBox();
  var box = document.getElementById("site-search");
  var panel = document.getElementById("site-search-results");
  var engine = null;
  var index = null;  // MiniSearch's serialised form of the index, once loaded
  var waiting = [];

  /* The links to every view, and the (hidden) link to the endpoint, set below. */
  function navigation() {
    var header = document.querySelector("header.site-header");
    if (!header || header.querySelector("nav")) { return; }
    var nav = el("nav");
    VIEWS.forEach(function (view) {
      var a = el("a", view[1]);
      a.setAttribute("href", root + view[0]);
      nav.appendChild(a);
    });
    var endpoint = el("a", "SPARQL endpoint");
    endpoint.id = "endpoint-link";
    endpoint.setAttribute("href", "#");
    endpoint.hidden = true;
    nav.appendChild(endpoint);
    header.appendChild(nav);
  }

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

  function script(path, then) {
    var tag = document.createElement("script");
    tag.src = root + path;
    tag.onload = then;
    document.head.appendChild(tag);
  }

  function load(then) {
    if (engine) { then(engine); return; }
    waiting.push(then);
    if (waiting.length > 1) { return; }
    script("assets/vendor/minisearch/minisearch.js", function () {
      script("assets/search-index.js", function () {
        var data = window.RKG_SEARCH;
        inflate(data.deflated, function (compact) {
          index = expand(compact, data.options.fields.length);
          engine = MiniSearch.loadJS(index, data.options);
          window.rkgSearchReady = true;
          waiting.splice(0).forEach(function (f) { f(engine); });
        });
      });
    });
  }

  /* The index file holds its JSON deflated, in base64 (graph/viz/search.py, `deflated`). */
  function inflate(text, then) {
    var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    new Response(stream).text().then(function (json) { then(JSON.parse(json)); });
  }

  /* The compact index (graph/viz/search.py, `compact_json`) as MiniSearch's serialised
   * form: entries are rows, [kind, title, link, sub] (a quote's [title, document row, mark]
   * takes its link and its document's title and date from the document's row), ids are the
   * rows' numbers, field lengths one flat list, and each term's postings per field a flat
   * list of (id step, count) pairs, where a lone negative number -s-1 is a step s with a
   * count of 1. */
  function expand(data, nfields) {
    var rows = data.rows;
    var ids = {}, lengths = {}, stored = {};
    rows.forEach(function (row, n) {
      var key = String(n);
      ids[key] = key;
      lengths[key] = data.lengths.slice(n * nfields, (n + 1) * nfields);
      if (row.length === 3) {
        var doc = rows[row[1]];
        stored[key] = { kind: "quote", title: row[0], href: doc[2] + "#m-" + row[2],
                        sub: doc[1] + " · " + doc[3].split(" · ")[0] };
      } else {
        stored[key] = { kind: KINDS[row[0]][0], title: row[1], href: row[2], sub: row[3] };
      }
    });
    var terms = data.terms.map(function (entry) {
      var fields = {};
      for (var f = 0; f < nfields; f++) {
        var flat = entry[f + 1], postings = {}, id = 0, i = 0, any = false;
        while (i < flat.length) {
          if (flat[i] < 0) { id += -flat[i] - 1; postings[String(id)] = 1; i += 1; }
          else { id += flat[i]; postings[String(id)] = flat[i + 1]; i += 2; }
          any = true;
        }
        if (any) { fields[String(f)] = postings; }
      }
      return [entry[0], fields];
    });
    return { averageFieldLength: data.average, dirtCount: 0, documentCount: rows.length,
             documentIds: ids, fieldIds: data.fieldIds, fieldLength: lengths, index: terms,
             nextId: rows.length, serializationVersion: 2, storedFields: stored };
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
  window.rkgSearch = { load: load, search: function (t) { return search(t); },
                      index: function () { return index; } };

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
