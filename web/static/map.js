// The explorer's world map: ports placed from ingest/data/ports.yaml (sent by /api/events and
// /api/places), the world outline from world-atlas (Natural Earth 1:110m, vendored with
// topojson-client and d3-geo in /static/vendor/). Nothing is fetched from anywhere else.
"use strict";
const SKGMap = (() => {
  const { el } = SKG;
  const SVG = "http://www.w3.org/2000/svg";
  const WORLD = "/static/vendor/world-atlas-2.0.2-countries-110m.json";
  let world = null;

  function loadWorld() {
    if (!world) world = fetch(WORLD).then((r) => { if (!r.ok) throw new Error(`world outline: HTTP ${r.status}`); return r.json(); });
    return world;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, v);
    for (const c of children) if (c) node.append(c);
    return node;
  }

  // The area to show: the ports with some room around them (a whole hemisphere at most).
  function extent(points) {
    if (!points.length) return { type: "Sphere" };
    const lons = points.map((p) => p.lon), lats = points.map((p) => p.lat);
    let [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    const pad = Math.max(6, 0.25 * Math.max(e - w, n - s));
    [w, e, s, n] = [Math.max(-180, w - pad), Math.min(180, e + pad), Math.max(-85, s - pad), Math.min(85, n + pad)];
    return { type: "MultiPoint", coordinates: [[w, s], [w, n], [e, s], [e, n]] };
  }

  // draw(container, ports, {route, onPort}): ports [{id, name, lat, lon, count}], route: port ids
  // in date order (drawn as a line), onPort(port) when a marker is clicked.
  async function draw(container, ports, options) {
    const opts = options || {};
    const width = container.clientWidth || 800, height = Math.round(Math.min(480, Math.max(260, width * 0.5)));
    const topo = await loadWorld();
    const projection = d3.geoNaturalEarth1().fitExtent([[16, 16], [width - 16, height - 16]], extent(ports));
    const path = d3.geoPath(projection);
    const land = topojson.feature(topo, topo.objects.land);
    const borders = topojson.mesh(topo, topo.objects.countries, (a, b) => a !== b);
    const root = svg("svg", { class: "world-map", viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
      "aria-label": `map of ${ports.length} port(s)` },
    svg("path", { d: path({ type: "Sphere" }), class: "sea" }),
    svg("path", { d: path(d3.geoGraticule10()), class: "graticule" }),
    svg("path", { d: path(land), class: "land" }),
    svg("path", { d: path(borders), class: "borders" }));
    const byId = new Map(ports.map((p) => [p.id, p]));
    const route = (opts.route || []).map((id) => byId.get(id)).filter(Boolean);
    if (route.length > 1) {
      root.append(svg("path", { class: "route", d: path({ type: "LineString", coordinates: route.map((p) => [p.lon, p.lat]) }) }));
    }
    for (const p of ports) {
      const [x, y] = projection([p.lon, p.lat]);
      const title = svg("title");
      title.textContent = `${p.name} (${p.lat}, ${p.lon})${p.count ? ` · ${p.count} event(s)` : ""}`;
      const label = svg("text", { x: x + 8, y: y + 4, class: "port-name" });
      label.textContent = p.name;
      const g = svg("g", { class: "port", "data-port": p.id, "data-lat": p.lat, "data-lon": p.lon, tabindex: 0 },
        svg("circle", { cx: x, cy: y, r: ports.length > 8 ? 4 : 6 }), label, title);
      if (opts.onPort) {
        g.addEventListener("click", () => opts.onPort(p));
        g.addEventListener("keydown", (e) => { if (e.key === "Enter") opts.onPort(p); });
      }
      root.append(g);
    }
    container.replaceChildren(root);
    if (!ports.length) container.append(el("p", { class: "muted small" }, "None of these ports has a place in the package's port list."));
    return root;
  }

  function highlight(container, portId) {
    for (const g of container.querySelectorAll("g.port")) g.classList.toggle("selected", g.dataset.port === portId);
  }

  // The console's Map tab: the query's CALLED_AT edges at the ports /api/places can place.
  async function consoleMap(container, data, onEdge) {
    const calls = data.graph.edges.filter((e) => e.type === "CALLED_AT");
    const names = new Map(data.graph.nodes.map((n) => [n.id, n.name]));
    const ids = [...new Set(calls.map((e) => e.target))];
    const query = new URLSearchParams(ids.map((id) => ["id", id]));
    const { places } = await SKG.api("/api/places?" + query);
    const ports = Object.values(places).map((p) => ({ ...p, count: calls.filter((e) => e.target === p.id).length }));
    const mapBox = el("div", { class: "map", id: "console-map" });
    const list = el("ul", { class: "timeline small", id: "console-calls" });
    const panel = el("div", { class: "panel event-detail", id: "map-panel", hidden: true });
    // Ports close together overlap on a world-wide map: each is also a button.
    const chips = el("div", { class: "port-chips", id: "console-map-ports" }, el("button", { type: "button", class: "chip",
      onclick: () => show(null) }, "all"), ports.slice().sort((a, b) => a.name.localeCompare(b.name)).map((p) =>
      el("button", { type: "button", class: "chip", "data-port": p.id, onclick: () => show(p.id) }, `${p.name} (${p.count})`)));
    container.replaceChildren(el("div", { class: "timeline-map" }, el("div", {}, mapBox, chips), el("div", {}, panel, list)));
    const sorted = calls.slice().sort((a, b) => (a.key || "~").localeCompare(b.key || "~"));
    const show = (portId) => {
      highlight(mapBox, portId);
      list.replaceChildren(...sorted.filter((e) => !portId || e.target === portId).map((e) => el("li", {
        "data-port": e.target, onclick: () => onEdge(panel, e) },
      el("span", { class: "when" }, e.key || "date not stated"), " · ", names.get(e.source) || e.source, " at ",
      names.get(e.target) || e.target, places[e.target] ? "" : el("span", { class: "muted" }, " (not on the map)"))));
    };
    await draw(mapBox, ports, { onPort: (p) => show(p.id) });
    show(null);
  }

  return { draw, highlight, consoleMap, loadWorld };
})();
