/* refoulement-kg: the network explorer (vis-network), used by the summary of the whole graph,
 * the explorer page, the advocacy network and the "around it" panel of every entity page.
 *
 * Data comes in bounded pieces: data/n/<slug>.js (one node and its most connected neighbours)
 * on a click, data/s/<key>.js (the members of an aggregate, the advocacy network, the most
 * connected nodes) on a drill-down. They are scripts calling rkgData(key, value), because a page
 * opened from file:// may load scripts but not fetch files.
 *
 * Labels are drawn here, not by vis-network: after each redraw the labels are placed greedily
 * (selected and hovered nodes first, then the most connected) and a label that would overlap
 * one already placed is not drawn. Zooming in makes room for more. Every string from the graph
 * is drawn on the canvas or put in place with textContent; tooltips are plain strings.
 */
(function () {
  "use strict";
  var root = document.body.dataset.root || "";

  /* vis-network, its style sheet and the shared legend and options (assets/graph-config.js)
   * are loaded here, in order, so that a page names one script instead of three tags (2 MB
   * of the 1,000-document site). */
  function needs(then) {
    if (window.vis && window.RKG_LEGEND) { then(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = root + "assets/vis-network.css";
    document.head.appendChild(css);
    var scripts = ["assets/vis-network.min.js", "assets/graph-config.js"];
    (function next() {
      if (!scripts.length) { then(); return; }
      var tag = document.createElement("script");
      tag.src = root + scripts.shift();
      tag.onload = next;
      document.head.appendChild(tag);
    })();
  }

  needs(explorer);

  function explorer() {
    /* the legend and the default options are one shared asset (assets/graph-config.js), not
     * repeated in every page; a page's own options (the summary's) win */
    var embedded = document.querySelector("section.explorer.embedded");
    var cfg = embedded ? { embedded: true, start: embedded.dataset.start }
      : JSON.parse(document.getElementById("rkg-data").textContent);
    if (!cfg.options) { cfg.options = window.RKG_OPTIONS; }
    var groups = {};
    window.RKG_LEGEND.forEach(function (g) {
      groups[g.key] = g;
    });
    panelParts();
    var container = document.getElementById("network");
    var statusLine = document.getElementById("status");
    var panel = document.getElementById("details");
    var legendBox = document.getElementById("legend");
    var MAX_NODES = 2000;
    var MAX_LABELS = 400;
    var LABEL_FONT = 12;
    var LABEL_MAX = 40;

    var nodes = new vis.DataSet([]);
    var edges = new vis.DataSet([]);
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, cfg.options);
    var meta = {};        // slug -> what the data files say about it
    var expanded = {};    // slug -> true once its neighbours are in
    var aggregates = {};  // summary mode: aggregate id -> its node
    var hidden = {};      // legend group -> hidden
    var selected = null;
    var hovered = null;
    var focus = null;
    var lastBoxes = [];
    var order = null;     // label priority, recomputed when the nodes change
    var started = performance.now();

    /* An entity page holds only an empty <section class="explorer embedded">: its canvas,
     * status line, details panel and legend are made here, the same as explorer_panel's. */
    function panelParts() {
      var section = document.querySelector("section.explorer");
      if (!section || document.getElementById("network")) { return; }
      section.setAttribute("aria-label", "Interactive graph");
      var wrap = el("div", null, "canvas-wrap");
      var canvas = el("div");
      canvas.id = "network";
      wrap.appendChild(canvas);
      var line = el("p", "Loading…", "status");
      line.id = "status";
      line.setAttribute("aria-live", "polite");
      wrap.appendChild(line);
      section.appendChild(wrap);
      var aside = el("aside", null, "details");
      aside.id = "details";
      aside.setAttribute("aria-live", "polite");
      aside.appendChild(el("p", "Click a node to see what it is and to bring in its neighbours; " +
                           "hover for a summary. Labels that would overlap are hidden: zoom in " +
                           "to see more of them.", "hint"));
      section.appendChild(aside);
      var box = el("div", null, "legend");
      box.id = "legend";
      box.setAttribute("aria-label", "Legend");
      section.appendChild(box);
    }

    function el(tag, text, cls) {
      var node = document.createElement(tag);
      if (text !== undefined && text !== null) { node.textContent = String(text); }
      if (cls) { node.className = cls; }
      return node;
    }

    function link(text, href) {
      var a = el("a", text);
      a.setAttribute("href", href);
      return a;
    }

    /* -- loading data files ----------------------------------------------------------------- */
    var cache = {};
    var pending = {};
    window.rkgData = function (key, value) {
      cache[key] = value;
      (pending[key] || []).splice(0).forEach(function (f) { f(value); });
    };

    function fetchData(key, then) {
      if (cache[key]) { then(cache[key]); return; }
      if (pending[key]) { pending[key].push(then); return; }
      pending[key] = [then];
      var script = document.createElement("script");
      script.src = root + "data/" + key + ".js";
      script.onerror = function () { status("Could not load " + key + "."); };
      document.head.appendChild(script);
    }

    /* -- nodes and edges -------------------------------------------------------------------- */
    function shortLabel(text) {
      return text.length <= LABEL_MAX ? text : text.slice(0, LABEL_MAX - 1) + "…";
    }

    function tooltip(m) {
      var g = groups[m.g] || { label: m.g };
      var lines = [m.l, (m.k ? m.k + " (" + g.label + ")" : g.label)];
      if (m.d) { lines.push("Date: " + m.d); }
      if (m.count !== undefined) { lines.push(m.count + " nodes"); }
      else { lines.push("Links: " + m.n); }
      lines.push(m.count !== undefined ? "Click to list them" : "Click for details and its neighbours");
      return lines.join("\n");
    }

    function visNode(m, x, y) {
      var g = groups[m.g] || { color: "#888888", shape: "dot" };
      var item = { id: m.s, title: tooltip(m), shape: g.shape, color: g.color,
                   value: (m.count !== undefined ? m.count : m.n) + 1, hidden: !!hidden[m.g] };
      if (x !== undefined) { item.x = x; item.y = y; }
      return item;
    }

    /* Nodes and edges are queued and added to the DataSets in one call each (flush): adding
     * them one by one makes vis-network rebuild its index every time (quadratic). */
    var queuedNodes = [];
    var queuedEdges = [];
    var queued = {};

    function addMeta(m, x, y) {
      if (!meta[m.s]) { meta[m.s] = m; }
      if (!queued[m.s] && !nodes.get(m.s)) {
        queued[m.s] = true;
        queuedNodes.push(visNode(m, x, y));
        order = null;
        return true;
      }
      return false;
    }

    function flush() {
      if (queuedNodes.length) { nodes.add(queuedNodes.splice(0)); }
      if (queuedEdges.length) { edges.add(queuedEdges.splice(0)); }
      queued = {};
    }

    function addEdge(from, to, label, dashed, extra) {
      var id = from + "\u0000" + to + "\u0000" + label;
      if (queued[id] || edges.get(id) || !(queued[from] || nodes.get(from)) ||
          !(queued[to] || nodes.get(to))) { return; }
      queued[id] = true;
      var item = { id: id, from: from, to: to, title: label };
      if (dashed) { item.dashes = true; }
      if (extra && extra.color) { item.color = { color: extra.color, highlight: extra.color }; }
      if (extra && extra.width) { item.width = extra.width; }
      if (extra && extra.title) { item.title = extra.title; }
      queuedEdges.push(item);
    }

    function clear() {
      queuedNodes = [];
      queuedEdges = [];
      queued = {};
      nodes.clear();
      edges.clear();
      expanded = {};
      aggregates = {};
      selected = null;
      order = null;
    }

    /* -- layout ----------------------------------------------------------------------------- */
    function settle(iterations) {
      document.body.dataset.state = "busy";
      var begin = performance.now();
      network.setOptions({ physics: { enabled: true } });
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        window.rkgLastLayoutMs = Math.round(performance.now() - begin);
        if (window.rkgSettledMs === undefined) {
          window.rkgSettledMs = Math.round(performance.now());  // since navigation start
          window.rkgLayoutMs = Math.round(performance.now() - started);
        }
        network.fit({ animation: false });
        document.body.dataset.state = "settled";
        status();
      });
      network.stabilize(iterations);
    }

    function fixed() {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      if (window.rkgSettledMs === undefined) {
        window.rkgSettledMs = Math.round(performance.now());
        window.rkgLayoutMs = Math.round(performance.now() - started);
      }
      window.rkgLastLayoutMs = 0;
      document.body.dataset.state = "settled";
      status();
    }

    function status(extra) {
      var shown = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
      var text = shown + " nodes, " + edges.length + " links shown.";
      if (window.rkgLastLayoutMs !== undefined) {
        text += " Laid out in " + (window.rkgLastLayoutMs / 1000).toFixed(1) + " s.";
      }
      statusLine.textContent = extra ? extra + " " + text : text;
    }

    /* -- expanding ---------------------------------------------------------------------------- */
    /* A node in a data file (explorer.py `_row`): [slug, label, kind, links, date, page],
     * the kind an index into the file's table `t` of [group, kind] pairs, the page 1 when
     * it is the slug's own (slug + ".html"), 0 when there is none. */
    function row(a, t) {
      var m = { s: a[0], l: a[1], g: t[a[2]][0], k: t[a[2]][1], n: a[3] };
      if (a[4]) { m.d = a[4]; }
      if (a[5]) { m.h = a[5] === 1 ? a[0] + ".html" : a[5]; }
      return m;
    }

    function fullIri(iri) {
      var colon = iri.indexOf(":");
      var base = (window.RKG_PREFIXES || {})[iri.slice(0, colon)];
      return base ? base + iri.slice(colon + 1) : iri;
    }

    /* A node's file, read once: its neighbours as objects, each with its edge codes (label
     * index * 4, + 1 when the edge goes out of the node, + 2 when it is dashed). */
    function readNode(slug, f) {
      if (f.s) { return f; }
      f.s = slug;
      if (f.h === 1) { f.h = slug + ".html"; }
      f.iri = fullIri(f.iri);
      f.nb = f.nb.map(function (a) {
        var m = row(a, f.t);
        m.codes = a.slice(6);
        return m;
      });
      if (f.q && f.q.r !== undefined) {  // the quote's document is the neighbour f.q.r
        f.q.doc = f.nb[f.q.r].l;
        f.q.h = f.nb[f.q.r].h + "#m-" + f.q.m;
      }
      return f;
    }

    function expand(slug, then) {
      if (expanded[slug]) { if (then) { then(); } return; }
      if (nodes.length >= MAX_NODES) {
        status("The explorer holds at most " + MAX_NODES + " nodes; open a node's page or " +
               "“Explore from here” to start again.");
        return;
      }
      document.body.dataset.state = "busy";
      fetchData("n/" + slug, function (file) {
        var f = readNode(slug, file);
        var around = nodes.get(slug);
        var cx = around ? network.getPosition(slug).x : 0;
        var cy = around ? network.getPosition(slug).y : 0;
        addMeta(f, cx, cy);
        meta[slug] = f;
        var fresh = f.nb.filter(function (m) { return !nodes.get(m.s); });
        var room = Math.max(0, MAX_NODES - nodes.length);
        fresh.slice(0, room).forEach(function (m, i) {
          var angle = 2 * Math.PI * i / Math.max(fresh.length, 1);
          var radius = 120 + 8 * Math.sqrt(fresh.length);
          addMeta(m, cx + radius * Math.cos(angle), cy + radius * Math.sin(angle));
        });
        f.nb.forEach(function (m) {
          m.codes.forEach(function (code) {
            var label = f.el[code >> 2], dashed = !!(code & 2);
            if (code & 1) { addEdge(slug, m.s, label, dashed); }
            else { addEdge(m.s, slug, label, dashed); }
          });
        });
        flush();
        expanded[slug] = true;
        legend();
        if (fresh.length) { settle(nodes.length > 500 ? 60 : 120); } else { fixed(); }
        if (then) { then(); }
      });
    }

    function drill(key, then) {
      document.body.dataset.state = "busy";
      fetchData(key, function (d) {
        clear();
        network.setOptions(d.options);
        var slugs = d.nodes.map(function (a) {
          addMeta(row(a, d.t), a[6], a[7]);
          return a[0];
        });
        d.e.forEach(function (e) {
          addEdge(slugs[e[0]], slugs[e[1]], d.el[e[2] >> 1], !!(e[2] & 1),
                  { color: e[3], width: e[4], title: e[5] });
        });
        flush();
        legend();
        settle(d.nodes.length > 500 ? 60 : 150);
        if (then) { then(d); }
      });
    }

    /* -- the summary (graph.html) ----------------------------------------------------------- */
    function showMode(mode) {
      clear();
      var s = cfg.summary[mode];
      s.nodes.forEach(function (a) {
        var m = { s: "agg:" + a.id, l: a.label, g: a.g, n: a.count, count: a.count, agg: a,
                  mode: mode };
        meta[m.s] = m;
        aggregates[m.s] = a;
        addMeta(m, a.x, a.y);
      });
      s.edges.forEach(function (e) {
        addEdge("agg:" + e.from, "agg:" + e.to, e.title, false,
                { width: Math.min(1 + Math.log(1 + e.value), 8) });
      });
      flush();
      order = null;
      legend();
      fixed();
    }

    function aggregatePanel(m) {
      panel.textContent = "";
      panel.appendChild(el("h2", m.l));
      panel.appendChild(el("p", m.count + " nodes; the most connected first.", "kind"));
      var button = el("button", "Open the " + Math.min(m.count, 400) + " most connected in " +
                      "the explorer");
      button.type = "button";
      button.className = "drill";
      button.addEventListener("click", function () {
        drill("s/" + m.mode + "-" + m.agg.id, function () {
          status("Members of " + m.l + ".");
        });
      });
      panel.appendChild(button);
      var ul = el("ul", null, "members");
      m.agg.members.forEach(function (a) {  // [label, group, page, date] (explorer.py)
        var x = { l: a[0], g: a[1], h: a[2], d: a[3] };
        var li = el("li");
        li.appendChild(x.h ? link(x.l, root + x.h) : el("span", x.l));
        li.appendChild(el("span", " " + (groups[x.g] ? groups[x.g].label : x.g) +
                          (x.d ? " · " + x.d : ""), "kind"));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
      if (m.count > m.agg.members.length) {
        panel.appendChild(el("p", "… and " + (m.count - m.agg.members.length) +
                             " more (search, or browse the index).", "more"));
      }
    }

    /* -- the details panel ------------------------------------------------------------------ */
    function showDetails(slug) {
      var m = meta[slug];
      if (!m) { return; }
      if (m.agg) { aggregatePanel(m); return; }
      panel.textContent = "";
      panel.appendChild(el("h2", m.l));
      var g = groups[m.g] || { label: m.g };
      panel.appendChild(el("p", (m.k ? m.k + " · " : "") + g.label + (m.d ? " · " + m.d : ""),
                           "kind"));
      var ul = el("ul", null, "links");
      if (m.h) {
        var li = el("li");
        li.appendChild(link("Open its page", root + m.h));
        ul.appendChild(li);
      }
      var li2 = el("li");
      li2.appendChild(link("Explore from here", root + "explore.html#" + encodeURIComponent(m.s)));
      ul.appendChild(li2);
      panel.appendChild(ul);
      var f = cache["n/" + slug] && readNode(slug, cache["n/" + slug]);
      if (f) {
        panel.appendChild(el("p", "Links: " + m.n + (f.more ? " (the " + f.nb.length +
                             " most connected neighbours are shown; " + f.more + " more on its page)"
                             : ""), "measures"));
        if (f.q) {
          var block = el("blockquote", null, "quote");
          block.appendChild(el("p", f.q.t));
          var footer = el("footer");
          footer.appendChild(link(f.q.doc, root + f.q.h));
          block.appendChild(footer);
          panel.appendChild(block);
        }
        panel.appendChild(el("p", f.iri, "iri"));
      } else {
        panel.appendChild(el("p", "Links: " + m.n, "measures"));
      }
    }

    function select(slug) {
      selected = slug;
      network.selectNodes([slug]);
      if (aggregates[slug]) { showDetails(slug); return; }
      expand(slug, function () { showDetails(slug); });
      showDetails(slug);
    }

    network.on("click", function (params) {
      if (params.nodes.length) { select(params.nodes[0]); }
    });
    network.on("hoverNode", function (p) { hovered = p.node; network.redraw(); });
    network.on("blurNode", function () { hovered = null; network.redraw(); });

    /* -- the legend ------------------------------------------------------------------------- */
    function legend() {
      var counts = {};
      nodes.forEach(function (n) {
        var m = meta[n.id];
        if (m) { counts[m.g] = (counts[m.g] || 0) + 1; }
      });
      legendBox.textContent = "";
      legendBox.appendChild(el("p", "Legend (click to show or hide)", "legend-title"));
      Object.keys(groups).forEach(function (key) {
        if (!counts[key]) { return; }
        var g = groups[key];
        var label = el("label", null, "legend-item");
        var box = el("input");
        box.type = "checkbox";
        box.checked = !hidden[key];
        box.dataset.group = key;
        box.addEventListener("change", function () {
          hidden[key] = !box.checked;
          nodes.update(nodes.get({ filter: function (n) { return meta[n.id] &&
            meta[n.id].g === key; } }).map(function (n) { return { id: n.id, hidden: !box.checked }; }));
          status();
        });
        label.appendChild(box);
        var swatch = el("span", null, "swatch shape-" + g.shape);
        swatch.style.setProperty("--c", g.color);
        label.appendChild(swatch);
        label.appendChild(el("span", g.label + " "));
        label.appendChild(el("span", counts[key], "count"));
        legendBox.appendChild(label);
      });
      legendBox.appendChild(el("p", "Lines: solid, a relation stated by a document or the " +
        "registry; dashed, “reported in” or “mentioned in” a document, or inferred. Size: " +
        "number of links.", "edge-legend"));
    }

    /* -- labels that never overlap ---------------------------------------------------------- */
    var widths = {};
    function textWidth(ctx, text) {
      if (widths[text] === undefined) { widths[text] = ctx.measureText(text).width; }
      return widths[text];
    }

    function priority() {
      if (order) { return order; }
      order = nodes.getIds().sort(function (a, b) {
        var ma = meta[a], mb = meta[b];
        var va = ma ? (ma.count !== undefined ? ma.count : ma.n) : 0;
        var vb = mb ? (mb.count !== undefined ? mb.count : mb.n) : 0;
        return vb - va || (a < b ? -1 : a > b ? 1 : 0);
      });
      return order;
    }

    // the keys of the 64 x 32 grid cells a box covers
    function cells(box) {
      var keys = [];
      var x0 = Math.floor(box.x / 64), x1 = Math.floor((box.x + box.w) / 64);
      var y0 = Math.floor(box.y / 32), y1 = Math.floor((box.y + box.h) / 32);
      for (var gx = x0; gx <= x1; gx++) {
        for (var gy = y0; gy <= y1; gy++) { keys.push(gx + ":" + gy); }
      }
      return keys;
    }

    function overlaps(box, grid) {
      var keys = cells(box);
      for (var k = 0; k < keys.length; k++) {
        var cell = grid[keys[k]] || [];
        for (var i = 0; i < cell.length; i++) {
          var o = cell[i];
          if (box.x < o.x + o.w && o.x < box.x + box.w && box.y < o.y + o.h && o.y < box.y + box.h) {
            return true;
          }
        }
      }
      return false;
    }

    function remember(box, grid) {
      var keys = cells(box);
      for (var k = 0; k < keys.length; k++) {
        (grid[keys[k]] = grid[keys[k]] || []).push(box);
      }
    }

    network.on("afterDrawing", function (ctx) {
      var width = container.clientWidth, height = container.clientHeight;
      var ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
      var scale = network.getScale();
      var first = [selected, hovered, focus].filter(function (x) { return x && nodes.get(x); });
      var ids = first.concat(priority().filter(function (id) { return first.indexOf(id) < 0; }));
      var positions = network.getPositions();
      var grid = {};
      var boxes = [];
      ctx.save();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.font = LABEL_FONT + "px system-ui, -apple-system, 'Segoe UI', sans-serif";
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      for (var i = 0; i < ids.length && boxes.length < MAX_LABELS; i++) {
        var id = ids[i];
        var m = meta[id];
        var body = network.body.nodes[id];
        if (!m || !positions[id] || !body || body.options.hidden) { continue; }
        var p = network.canvasToDOM(positions[id]);
        var r = (body.options.size || 10) * scale;
        var text = shortLabel(m.l);
        var w = textWidth(ctx, text) + 4;
        var box = { id: id, x: p.x - w / 2, y: p.y + r + 2, w: w, h: LABEL_FONT + 4 };
        if (box.x + box.w < 0 || box.x > width || box.y > height || box.y + box.h < 0) { continue; }
        if (overlaps(box, grid)) { continue; }
        remember(box, grid);
        boxes.push(box);
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(255,255,255,0.9)";
        ctx.strokeText(text, box.x + 2, box.y + 2);
        ctx.fillStyle = id === selected ? "#000000" : "#222222";
        ctx.fillText(text, box.x + 2, box.y + 2);
      }
      ctx.restore();
      lastBoxes = boxes;
    });

    /* -- start ------------------------------------------------------------------------------ */
    function startFromHash() {
      var wanted = /^#(.+)$/.exec(window.location.hash);
      return wanted ? decodeURIComponent(wanted[1]) : null;
    }

    function start() {
      if (cfg.summary) {
        showMode("group");
        Array.prototype.forEach.call(document.querySelectorAll("input[name=mode]"), function (r) {
          r.addEventListener("change", function () { if (r.checked) { showMode(r.value); } });
        });
        var top = document.getElementById("show-top");
        if (top) {
          top.addEventListener("click", function () {
            drill("s/top", function () { status("The most connected nodes."); });
          });
        }
      } else if (cfg.drill) {
        drill(cfg.drill);
      } else {
        var first = (!cfg.embedded && startFromHash()) || cfg.start;
        if (!first) { fixed(); return; }
        focus = first;
        expand(first, function () { selected = first; showDetails(first); });
      }
    }

    if (!cfg.embedded) {
      window.addEventListener("hashchange", function () {
        var wanted = startFromHash();
        if (wanted && !cfg.summary) { clear(); focus = wanted; expand(wanted, function () {
          selected = wanted; showDetails(wanted); }); }
      });
    }

    window.rkg = {
      network: network, nodes: nodes, edges: edges, meta: meta, cfg: cfg,
      expand: expand, select: select, drill: drill, showMode: showMode,
      labelBoxes: function () { return lastBoxes.slice(); },
      shown: function () { return nodes.get({ filter: function (n) { return !n.hidden; } }).length; }
    };
    start();
  }
})();
