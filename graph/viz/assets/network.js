/* refoulement-kg: one network view (vis-network), its filters, search and details panel.
 *
 * Every string from the graph is put in place with textContent or as a plain-text tooltip
 * (vis-network shows string titles with innerText): nothing from a document becomes markup.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("rkg-data").textContent);
  var container = document.getElementById("network");
  var statusLine = document.getElementById("status");
  var detailsPanel = document.getElementById("details");
  var started = performance.now();

  var byId = {};
  var adjacency = {};
  data.nodes.forEach(function (n) {
    byId[n.id] = n;
    n.baseColor = n.color;
    adjacency[n.id] = [];
  });
  data.edges.forEach(function (e, i) {
    e.id = "e" + i;
    if (adjacency[e.from]) { adjacency[e.from].push(e.to); }
    if (adjacency[e.to]) { adjacency[e.to].push(e.from); }
  });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var visible = new Set(data.nodes.map(function (n) { return n.id; }));
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return visible.has(n.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return visible.has(e.from) && visible.has(e.to); }
  });
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);

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

  /* -- details panel ---------------------------------------------------------------------- */
  function showDetails(id) {
    var d = data.details[id];
    detailsPanel.textContent = "";
    if (!d) { return; }
    detailsPanel.appendChild(el("h2", d.label));
    detailsPanel.appendChild(el("p", d.kind + " · " + d.group + (d.date ? " · " + d.date : ""),
                                "kind"));
    if (d.registry) { detailsPanel.appendChild(el("p", "In the reference registry.", "note")); }
    if (d.links.length) {
      var ul = el("ul", null, "links");
      d.links.forEach(function (l) {
        var li = el("li");
        li.appendChild(link(l[0], l[1]));
        ul.appendChild(li);
      });
      detailsPanel.appendChild(ul);
    }
    if (d.quotes.length) {
      detailsPanel.appendChild(el("h3", "Quotes (" + (d.quotes.length + d.more) + ")"));
      d.quotes.forEach(function (q) {
        var block = el("blockquote", null, "quote");
        var p = el("p");
        if (q.before) { p.appendChild(el("span", q.before, "ctx")); }
        p.appendChild(el("span", q.text, "exact"));
        if (q.after) { p.appendChild(el("span", q.after, "ctx")); }
        block.appendChild(p);
        var footer = el("footer");
        footer.appendChild(link(q.doc, q.href));
        var extra = [];
        if (q.by) { extra.push("claimed by " + q.by); }
        if (q.note) { extra.push(q.note); }
        if (extra.length) { footer.appendChild(document.createTextNode(" · " + extra.join(" · "))); }
        block.appendChild(footer);
        detailsPanel.appendChild(block);
      });
      if (d.more) { detailsPanel.appendChild(el("p", "… and " + d.more + " more on its own page.")); }
    }
    if (d.props.length) {
      detailsPanel.appendChild(el("h3", "Properties"));
      var dl = el("dl", null, "facts");
      d.props.forEach(function (p) {
        dl.appendChild(el("dt", p[0]));
        dl.appendChild(el("dd", p[1]));
      });
      detailsPanel.appendChild(dl);
    }
    detailsPanel.appendChild(el("p", d.measures, "measures"));
    detailsPanel.appendChild(el("p", d.iri, "iri"));
  }

  function focusNode(id) {
    if (!byId[id]) { return; }
    if (!visible.has(id)) { resetFilters(); }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: false });
    showDetails(id);
  }

  network.on("click", function (params) {
    if (params.nodes.length) { showDetails(params.nodes[0]); }
  });

  /* -- filters ---------------------------------------------------------------------------- */
  var legendBoxes = Array.prototype.slice.call(document.querySelectorAll("#legend input"));
  var yearFrom = document.getElementById("year-from");
  var yearTo = document.getElementById("year-to");
  var showUndated = document.getElementById("show-undated");
  var sourceSelect = document.getElementById("source");
  var hideOrphans = document.getElementById("hide-orphans");
  var byCommunity = document.getElementById("by-community");

  data.years.forEach(function (y) {
    yearFrom.appendChild(new Option(String(y), String(y)));
    yearTo.appendChild(new Option(String(y), String(y)));
  });
  if (data.years.length) { yearTo.value = String(data.years[data.years.length - 1]); }
  data.sources.forEach(function (s) {
    sourceSelect.appendChild(new Option(s.label, String(s.index)));
  });
  var DATED = { event: true, report: true, document: true };

  function applyFilters() {
    var groups = {};
    legendBoxes.forEach(function (box) { groups[box.dataset.group] = box.checked; });
    var lo = data.years.length ? Number(yearFrom.value) : -Infinity;
    var hi = data.years.length ? Number(yearTo.value) : Infinity;
    var source = sourceSelect.value === "" ? null : Number(sourceSelect.value);
    var next = new Set();
    data.nodes.forEach(function (n) {
      if (groups[n.grp] === false) { return; }
      if (source !== null && n.src.indexOf(source) < 0) { return; }
      if (DATED[n.cat]) {
        if (n.yr === null || n.yr === undefined) {
          if (!showUndated.checked) { return; }
        } else if (n.yr < lo || n.yr > hi) { return; }
      }
      next.add(n.id);
    });
    if (hideOrphans.checked) {
      var kept = new Set();
      next.forEach(function (id) {
        var around = adjacency[id];
        if (!around.length || around.some(function (o) { return next.has(o); })) { kept.add(id); }
      });
      next = kept;
    }
    visible = next;
    nodeView.refresh();
    edgeView.refresh();
    showStatus();
  }

  function resetFilters() {
    legendBoxes.forEach(function (box) { box.checked = true; });
    if (data.years.length) {
      yearFrom.value = String(data.years[0]);
      yearTo.value = String(data.years[data.years.length - 1]);
    }
    showUndated.checked = true;
    sourceSelect.value = "";
    applyFilters();
  }

  [yearFrom, yearTo, showUndated, sourceSelect, hideOrphans].concat(legendBoxes)
    .forEach(function (input) { input.addEventListener("change", applyFilters); });
  document.getElementById("reset").addEventListener("click", function () {
    resetFilters();
    network.fit();
  });

  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39"];
  byCommunity.addEventListener("change", function () {
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, color: byCommunity.checked ? PALETTE[n.cm % PALETTE.length] : n.baseColor };
    }));
  });

  /* -- search ----------------------------------------------------------------------------- */
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  var labels = data.nodes.map(function (n) {
    return [n.id, (data.details[n.id] ? data.details[n.id].label : n.label).toLowerCase()];
  });

  function matches(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return []; }
    return labels.filter(function (l) { return l[1].indexOf(q) >= 0; })
      .slice(0, 15).map(function (l) { return l[0]; });
  }

  search.addEventListener("input", function () {
    var found = matches(search.value);
    results.textContent = "";
    results.hidden = !search.value.trim();
    if (!found.length && search.value.trim()) { results.appendChild(el("li", "No match.")); }
    found.forEach(function (id) {
      var li = el("li");
      var button = el("button", data.details[id].label);
      button.type = "button";
      button.addEventListener("click", function () { focusNode(id); });
      li.appendChild(button);
      li.appendChild(el("span", " " + data.details[id].group, "kind"));
      results.appendChild(li);
    });
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = matches(search.value);
      if (found.length) { focusNode(found[0]); }
    }
  });

  /* -- settling --------------------------------------------------------------------------- */
  function showStatus(extra) {
    var shown = nodeView.length;
    var text = shown + " of " + data.nodes.length + " nodes shown, " + edgeView.length +
      " links.";
    if (window.rkgSettledMs !== undefined) {
      text += " Settled " + (window.rkgSettledMs / 1000).toFixed(1) + " s after opening (layout " +
        (window.rkgLayoutMs / 1000).toFixed(1) + " s).";
    }
    statusLine.textContent = extra ? extra + " " + text : text;
  }

  function settled() {
    if (window.rkgSettledMs !== undefined) { return; }
    network.setOptions({ physics: { enabled: false } });
    // since navigation start (page load included), and the layout alone
    window.rkgSettledMs = Math.round(performance.now());
    window.rkgLayoutMs = Math.round(performance.now() - started);
    document.body.dataset.state = "settled";
    showStatus();
    var wanted = /^#node=(.+)$/.exec(window.location.hash);
    if (wanted) {
      focusNode(decodeURIComponent(wanted[1]));
    } else if (data.view.focus) {
      network.selectNodes([data.view.focus]);
      showDetails(data.view.focus);
    }
  }

  network.on("stabilizationProgress", function (p) {
    statusLine.textContent = "Laying out " + data.nodes.length + " nodes… " +
      Math.round(100 * p.iterations / p.total) + " %";
  });
  network.once("stabilizationIterationsDone", settled);
  network.once("stabilized", settled);
  if (!data.nodes.length) { settled(); }
  window.addEventListener("hashchange", function () {
    var wanted = /^#node=(.+)$/.exec(window.location.hash);
    if (wanted) { focusNode(decodeURIComponent(wanted[1])); }
  });

  window.rkg = {
    network: network, nodes: nodes, edges: edges, data: data,
    shown: function () { return nodeView.length; },
    focusNode: focusNode, applyFilters: applyFilters
  };
})();
