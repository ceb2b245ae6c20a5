// sanctions-kg explorer: helpers shared by every page (no build step, no CDN).
"use strict";

const SKG = (() => {
  const LABEL_COLORS = {
    Vessel: "#2563eb", Company: "#7c3aed", Agency: "#dc2626", Port: "#16a34a",
    Country: "#d97706", Person: "#db2777", Organization: "#0284c7", Location: "#65a30d",
    Article: "#64748b",
  };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    const token = document.querySelector('meta[name="sanctions-kg-console"]');
    if (token) opts.headers["X-Sanctions-KG-Console"] = token.content;
    if (opts.json !== undefined) {
      opts.method = opts.method || "POST";
      opts.body = JSON.stringify(opts.json);
      opts.headers["Content-Type"] = "application/json";
      delete opts.json;
    }
    const res = await fetch(path, opts);
    let body;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const info = (body && body.error) || { kind: "http", message: `HTTP ${res.status}` };
      const err = new Error(info.message);
      Object.assign(err, info, { status: res.status });
      throw err;
    }
    return body;
  }

  const entityUrl = (id) => "/entity/" + encodeURIComponent(id);

  // Article addresses come from ingested files: link only http(s), never javascript: and the like.
  function safeUrl(url) {
    try {
      const u = new URL(url, location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function errorBox(err) {
    const box = el("div", { class: "error", role: "alert" }, err.message || String(err));
    if (err.kind) box.dataset.kind = err.kind;
    return box;
  }

  function badge(label) {
    return label ? el("span", { class: "badge " + label }, label) : null;
  }

  function entityLink(e) {
    if (!e) return "";
    if (e.label === "Article") return el("span", {}, e.name || e.title || e.id);
    return el("a", { href: entityUrl(e.id) }, e.name || e.id);
  }

  // -- evidence ------------------------------------------------------------------------
  function evidenceList(items) {
    const list = el("ul", { class: "evidence" });
    for (const ev of items || []) {
      const title = ev.title || ev.article || "article";
      const url = ev.url && safeUrl(ev.url);
      const titleNode = url ? el("a", { href: url, target: "_blank", rel: "noopener" }, title) : el("span", {}, title);
      const meta = [ev.source, ev.published, ev.method && `found by ${ev.method}`].filter(Boolean).join(" · ");
      list.append(el("li", {},
        el("div", { class: "sentence" }, ev.sentence ? `“${ev.sentence}”` : "(no sentence kept)"),
        el("div", { class: "source" }, "— ", titleNode, meta ? ` · ${meta}` : "")));
    }
    if (!list.children.length) list.append(el("li", { class: "muted" }, "No evidence sentences recorded."));
    return list;
  }

  // -- result table --------------------------------------------------------------------
  const isNode = (v) => v && typeof v === "object" && !Array.isArray(v) && "labels" in v && "properties" in v && "id" in v;
  const isRel = (v) => v && typeof v === "object" && !Array.isArray(v) && "type" in v && "start" in v && "end" in v;

  function cell(v) {
    if (v === null || v === undefined) return el("span", { class: "muted" }, "null");
    if (isNode(v)) {
      const label = v.labels.find((l) => l !== "Entity") || v.labels[0];
      const name = v.properties.name || v.properties.title || v.id;
      return el("span", { class: "node" }, badge(label), " ", label === "Article" ? name : el("a", { href: entityUrl(v.id) }, name));
    }
    if (isRel(v)) {
      const p = v.properties || {};
      const detail = [p.date, p.activity, p.role, p.program].filter(Boolean).join(" · ");
      return el("span", { class: "rel-type", title: `(${v.start})-[:${v.type}]->(${v.end})` },
        `:${v.type}`, detail ? el("span", { class: "muted" }, ` ${detail}`) : null);
    }
    if (Array.isArray(v) && v.length && v.every((x) => isNode(x) || isRel(x))) {
      return el("span", {}, v.map((x, i) => [i ? " " : "", cell(x)]));
    }
    if (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object")) {
      return v.length ? v.map((x) => (x === null ? "null" : String(x))).join(", ") : el("span", { class: "muted" }, "[]");
    }
    if (Array.isArray(v) && v.length && v.every((x) => x && typeof x === "object" && "sentence" in x)) {
      return evidenceList(v);  // decoded evidence columns of named queries
    }
    if (typeof v === "object") return el("pre", { class: "json" }, JSON.stringify(v, null, 1));
    return String(v);
  }

  function renderTable(container, columns, rows) {
    container.replaceChildren();
    if (!rows.length) {
      container.append(el("p", { class: "muted", style: "padding:10px" }, "No rows."));
      return;
    }
    const table = el("table", { class: "result-table" },
      el("thead", {}, el("tr", {}, columns.map((c) => el("th", {}, c)))),
      el("tbody", {}, rows.map((r) => el("tr", {}, columns.map((c) => el("td", {}, cell(r[c])))))));
    container.append(table);
  }

  // -- result graph (cytoscape, vendored) ----------------------------------------------
  function renderGraph(container, graph, handlers) {
    container.replaceChildren();
    container.classList.toggle("empty", !graph.nodes.length);
    if (!graph.nodes.length) {
      container.append(el("p", { class: "muted", style: "padding:14px" },
        "No nodes or relationships in the result: return nodes (n), relationships (r) or paths (p) to see a graph."));
      return null;
    }
    const elements = [];
    for (const n of graph.nodes) {
      elements.push({ group: "nodes", data: { id: n.id, name: n.name, label: n.label,
        color: LABEL_COLORS[n.label] || "#475569" }, classes: n.context ? "context" : "" });
    }
    for (const e of graph.edges) {
      elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target,
        type: e.type, key: e.key, evidence_count: e.evidence_count } });
    }
    const cy = cytoscape({
      container,
      elements,
      style: [
        { selector: "node", style: {
          "background-color": "data(color)", label: "data(name)", color: "#1d2430",
          "font-size": 13, "text-valign": "bottom", "text-margin-y": 4, width: 28, height: 28,
          "text-wrap": "ellipsis", "text-max-width": 140, "border-width": 2, "border-color": "#fff" } },
        { selector: "node.context", style: { opacity: 0.55 } },
        { selector: "edge", style: {
          width: 2, "line-color": "#94a3b8", "target-arrow-color": "#94a3b8",
          "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(type)",
          "font-size": 10, color: "#475569", "text-rotation": "autorotate",
          "text-background-color": "#fbfcfe", "text-background-opacity": 1, "text-background-padding": 2 } },
        { selector: "edge:selected", style: { "line-color": "#1f5fbf", "target-arrow-color": "#1f5fbf", width: 3 } },
        { selector: "node:selected", style: { "border-color": "#1f5fbf", "border-width": 3 } },
      ],
      layout: { name: "preset" },
    });
    // Start from a circle so the force layout is deterministic (same result, same picture).
    if (graph.nodes.length > 1) cy.layout({ name: "circle" }).run();
    const layout = cy.layout(graph.nodes.length > 1
      ? { name: "cose", animate: false, randomize: false, idealEdgeLength: () => 80,
          nodeRepulsion: () => 30000, nodeOverlap: 40, gravity: 0.5, numIter: 2500, padding: 40 }
      : { name: "grid", padding: 40 });
    // A small result would otherwise be blown up to fill the box.
    layout.one("layoutstop", () => { if (cy.zoom() > 1.1) { cy.zoom(1.1); cy.center(); } });
    layout.run();
    cy.on("tap", "node", (evt) => handlers && handlers.onNode && handlers.onNode(evt.target.data()));
    cy.on("tap", "edge", (evt) => handlers && handlers.onEdge && handlers.onEdge(evt.target.data()));
    container.cy = cy;  // for tests and the browser console
    return cy;
  }

  // The side panel with an edge's evidence sentences and articles.
  async function showEdge(panel, edge) {
    panel.hidden = false;
    panel.replaceChildren(el("button", { class: "close", title: "Close", onclick: () => { panel.hidden = true; } }, "×"),
      el("p", { class: "muted" }, "Loading evidence…"));
    const params = new URLSearchParams({ start: edge.source, type: edge.type, end: edge.target });
    if (edge.key) params.set("key", edge.key);
    try {
      const info = await api("/api/edge?" + params);
      const props = Object.entries(info.properties)
        .filter(([k, v]) => !["articles", "methods", "key"].includes(k) && v !== null && v !== "")
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`);
      panel.replaceChildren(
        el("button", { class: "close", title: "Close", onclick: () => { panel.hidden = true; } }, "×"),
        el("h2", {}, entityLink(info.start), " ", el("span", { class: "rel-type" }, `—${info.type}→`), " ", entityLink(info.end)),
        props.length ? el("p", { class: "small muted" }, props.join(" · ")) : null,
        el("div", { class: "small muted" }, `${info.evidence.length} evidence sentence(s)`),
        evidenceList(info.evidence));
    } catch (err) {
      panel.replaceChildren(errorBox(err));
    }
  }

  function showArticle(panel, node) {
    panel.hidden = false;
    panel.replaceChildren(
      el("button", { class: "close", title: "Close", onclick: () => { panel.hidden = true; } }, "×"),
      el("h2", {}, badge("Article"), " ", node.name),
      el("p", { class: "small muted" }, node.id));
  }

  // Renders a query result (console and named queries): status, graph with panel, table.
  function renderResult(target, data) {
    const status = el("div", { class: "status-line" },
      `${data.rows.length} row(s), ${data.graph.nodes.length} node(s), ${data.graph.edges.length} relationship(s) · ${data.elapsed_ms} ms`);
    const graphBox = el("div", { class: "graph", id: "graph" });
    const panel = el("div", { class: "panel", id: "edge-panel", hidden: true });
    const tableBox = el("div", { class: "table-wrap", id: "table" });
    target.replaceChildren(status, el("div", { class: "graph-wrap" }, graphBox, panel), el("h2", { style: "margin-top:16px" }, "Table"), tableBox);
    renderTable(tableBox, data.columns, data.rows);
    renderGraph(graphBox, data.graph, {
      onNode: (n) => (n.label === "Article" ? showArticle(panel, n) : (location.href = entityUrl(n.id))),
      onEdge: (e) => showEdge(panel, e),
    });
  }

  // Mark the current page in the top bar.
  document.addEventListener("DOMContentLoaded", () => {
    for (const a of document.querySelectorAll("header.top nav a")) {
      const path = a.getAttribute("href");
      if (path === location.pathname || (path === "/" && location.pathname === "/console")) a.classList.add("active");
    }
  });

  return { el, api, entityUrl, safeUrl, errorBox, badge, entityLink, evidenceList, renderTable, renderGraph, renderResult, showEdge };
})();
