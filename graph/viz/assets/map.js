/* refoulement-kg: the map of forced returns, drawn as plain SVG.
 *
 * Basemap: Natural Earth 1:50m country borders (npm world-atlas, public domain) turned into
 * GeoJSON by topojson-client, both bundled; no tile server. Projection: equirectangular around
 * the places of the returns, with the longitude scaled by the cosine of the middle latitude,
 * which is close enough over the few thousand kilometres the returns span. Data:
 * data/map.js (places, and arrows summed per start, end, perpetrator and year).
 */
(function () {
  "use strict";
  var root = document.body.dataset.root || "";
  var svg = document.getElementById("map");
  var details = document.getElementById("map-details");
  var yearSelect = document.getElementById("map-year");
  var perpSelect = document.getElementById("map-perp");
  var statusLine = document.getElementById("map-status");
  var NS = "http://www.w3.org/2000/svg";
  var WIDTH = 1000;
  var data = null;
  var project = null;
  var height = 700;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function svgEl(tag, attrs, parent) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function bounds(places) {
    var lats = places.map(function (p) { return p.lat; });
    var lons = places.map(function (p) { return p.lon; });
    if (!lats.length) { lats = [35, 45]; lons = [115, 135]; }
    var lat0 = Math.min.apply(null, lats), lat1 = Math.max.apply(null, lats);
    var lon0 = Math.min.apply(null, lons), lon1 = Math.max.apply(null, lons);
    var padLat = Math.max(2.5, (lat1 - lat0) * 0.15), padLon = Math.max(3.5, (lon1 - lon0) * 0.15);
    return [lon0 - padLon, lat0 - padLat, lon1 + padLon, lat1 + padLat];
  }

  function makeProjection(box) {
    var k = Math.cos(((box[1] + box[3]) / 2) * Math.PI / 180);
    var spanX = (box[2] - box[0]) * k, spanY = box[3] - box[1];
    height = Math.round(WIDTH * spanY / spanX);
    return function (lon, lat) {
      return [((lon - box[0]) * k) / spanX * WIDTH, (box[3] - lat) / spanY * height];
    };
  }

  function ringPath(ring, box) {
    var near = ring.some(function (c) {
      return c[0] > box[0] - 40 && c[0] < box[2] + 40 && c[1] > box[1] - 30 && c[1] < box[3] + 30;
    });
    if (!near) { return ""; }
    return "M" + ring.map(function (c) {
      var p = project(c[0], c[1]);
      return p[0].toFixed(1) + "," + p[1].toFixed(1);
    }).join("L") + "Z";
  }

  function drawBasemap(box) {
    var world = window.RKG_WORLD;
    var countries = topojson.feature(world, world.objects.countries).features;
    var layer = svgEl("g", { "class": "countries" }, svg);
    countries.forEach(function (f) {
      if (!f.geometry) { return; }
      var polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
      var d = polys.map(function (poly) {
        return poly.map(function (ring) { return ringPath(ring, box); }).join("");
      }).join("");
      if (!d) { return; }
      var path = svgEl("path", { d: d, "class": "country" }, layer);
      var title = svgEl("title", {}, path);
      title.textContent = (f.properties && f.properties.name) || "";
    });
  }

  function visibleArrows() {
    var year = yearSelect.value, perp = perpSelect.value;
    return data.arrows.filter(function (a) {
      return (!year || a.y === year) && (!perp || a.p === perp);
    });
  }

  function showEvents(title, events, total, place) {
    details.textContent = "";
    details.appendChild(el("h2", title));
    if (place && place.h) {
      var p = el("p");
      var a = el("a", "Open the page of " + place.l);
      a.setAttribute("href", root + place.h);
      p.appendChild(a);
      details.appendChild(p);
    }
    details.appendChild(el("p", total + " reported return" + (total === 1 ? "" : "s") + ".", "kind"));
    var ul = el("ul", null, "events");
    events.forEach(function (e) {
      var li = el("li");
      if (e.h) {
        var a = el("a", e.l);
        a.setAttribute("href", root + e.h);
        li.appendChild(a);
      } else { li.textContent = e.l; }
      ul.appendChild(li);
    });
    details.appendChild(ul);
  }

  function draw() {
    var old = svg.querySelector("g.overlay");
    if (old) { old.remove(); }
    var layer = svgEl("g", { "class": "overlay" }, svg);
    var byId = {};
    data.places.forEach(function (p) { byId[p.id] = p; });
    var arrows = visibleArrows();
    var through = {};
    arrows.forEach(function (a) {
      if (a.located) { through[a.a] = (through[a.a] || 0) + a.n; }
    });
    arrows.forEach(function (a) {
      var s = project(byId[a.a].lon, byId[a.a].lat), t = project(byId[a.b].lon, byId[a.b].lat);
      var mx = (s[0] + t[0]) / 2, my = (s[1] + t[1]) / 2;
      var dx = t[0] - s[0], dy = t[1] - s[1];
      var cx = mx - dy * 0.2, cy = my + dx * 0.2;  // a gentle curve, so arrows do not stack
      var path = svgEl("path", {
        d: "M" + s[0].toFixed(1) + "," + s[1].toFixed(1) + "Q" + cx.toFixed(1) + "," +
          cy.toFixed(1) + " " + t[0].toFixed(1) + "," + t[1].toFixed(1),
        "class": "arrow" + (a.located ? "" : " unlocated"),
        "stroke-width": String(Math.min(1.5 + Math.sqrt(a.n) * 1.5, 9)),
        "marker-end": "url(#arrowhead)"
      }, layer);
      path.dataset.from = a.a;
      path.dataset.to = a.b;
      var title = svgEl("title", {}, path);
      title.textContent = byId[a.a].l + " → " + byId[a.b].l + ": " + a.n + " return" +
        (a.n === 1 ? "" : "s") + (a.y ? " (" + a.y + ")" : "") +
        (a.located ? "" : " — place not reported, drawn from the capital");
      path.addEventListener("click", function () {
        showEvents(byId[a.a].l + " → " + byId[a.b].l, a.ev, a.n, null);
      });
    });
    var placed = [];
    data.places.slice().sort(function (x, y) { return (through[y.id] || 0) - (through[x.id] || 0); })
      .forEach(function (p) {
        var xy = project(p.lon, p.lat);
        var n = through[p.id] || 0;
        var circle = svgEl("circle", { cx: xy[0].toFixed(1), cy: xy[1].toFixed(1),
                                       r: String(3 + 3 * Math.sqrt(n)), "class": "place" }, layer);
        var title = svgEl("title", {}, circle);
        title.textContent = p.l + ": " + n + " reported return" + (n === 1 ? "" : "s") + " through it";
        circle.addEventListener("click", function () {
          var events = [];
          arrows.forEach(function (a) { if (a.a === p.id) { events = events.concat(a.ev); } });
          showEvents(p.l, events, n, p);
        });
        var label = svgEl("text", { x: (xy[0] + 6).toFixed(1), y: (xy[1] - 6).toFixed(1),
                                    "class": "place-label" }, layer);
        label.textContent = p.l;
        var b = label.getBBox();
        var clash = placed.some(function (o) {
          return b.x < o.x + o.width && o.x < b.x + b.width && b.y < o.y + o.height && o.y < b.y + b.height;
        });
        if (clash) { label.remove(); } else { placed.push(b); }
      });
    // the same count as the index and `rkg query counts`: forced returns after linking (one
    // return through three places is three arrows, and still one return)
    var shown = {};
    arrows.forEach(function (a) { a.ev.forEach(function (e) { shown[e.h || e.l] = true; }); });
    var returns = Object.keys(shown).length;
    statusLine.textContent = arrows.length + " arrows, " + returns + " forced return" +
      (returns === 1 ? "" : "s") + " shown.";
    document.body.dataset.state = "settled";
  }

  window.rkgData = function (key, value) {
    data = value;
    var box = bounds(data.places);
    project = makeProjection(box);
    svg.setAttribute("viewBox", "0 0 " + WIDTH + " " + height);
    var defs = svgEl("defs", {}, svg);
    var marker = svgEl("marker", { id: "arrowhead", viewBox: "0 0 10 10", refX: "9", refY: "5",
                                   markerWidth: "5", markerHeight: "5", orient: "auto-start-reverse" }, defs);
    svgEl("path", { d: "M0,0L10,5L0,10z", "class": "arrowhead" }, marker);
    drawBasemap(box);
    data.years.forEach(function (y) { yearSelect.appendChild(new Option(y, y)); });
    data.perpetrators.forEach(function (p) { perpSelect.appendChild(new Option(p.l, p.id)); });
    yearSelect.addEventListener("change", draw);
    perpSelect.addEventListener("change", draw);
    draw();
    window.rkgMap = { data: data, draw: draw, visibleArrows: visibleArrows };
  };
  var script = document.createElement("script");
  script.src = root + "data/map.js";
  document.head.appendChild(script);
})();
