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
  // Where an item comes from. The API sends `cite` (queries/report.py cite()); named-query
  // columns decode raw items, so the same wording is made here for those.
  function citeOf(ev) {
    if (ev.cite) return ev.cite;
    if (ev.method === "list" || ev.list_entry || ev.entry) {
      const entry = ev.list_entry || ev.entry || "";
      const cut = entry.lastIndexOf(":");
      const list = ev.list_name || (cut > 0 ? entry.slice(0, cut) : "");
      const id = cut > 0 && !ev.list_entry ? entry.slice(cut + 1) : entry;
      if (list && id) return `sanctions list ${list}, entry ${id}`;
      return id ? `sanctions list entry ${id}` : "a sanctions list (entry not recorded)";
    }
    // Without its title (a named query's raw evidence), the article by a short id.
    const title = ev.title || (ev.article && /^[0-9a-f]{64}$/.test(ev.article) ? `article ${ev.article.slice(0, 12)}` : ev.article);
    if (!title) return "source not recorded";
    const meta = [ev.source, ev.published].filter(Boolean).join(", ");
    return meta ? `${title} (${meta})` : String(title);
  }

  // Certainty (graph/evidence.py): items without it state their fact; "hedged" ones are marked,
  // with the words queries/render.py's legend uses.
  const HEDGED_LEGEND = "hedged: the source hedges it (suspected, allegedly, reportedly, believed to be, likely); " +
    "evidence without the mark states it.";
  const isHedged = (ev) => ev && ev.certainty === "hedged";
  function hasHedged(v) {
    if (Array.isArray(v)) return v.some(hasHedged);
    if (v && typeof v === "object") return isHedged(v) || Object.values(v).some(hasHedged);
    return false;
  }
  function hedgedLegend() {
    return el("p", { class: "legend hedged-legend small" }, el("span", { class: "hedged-mark" }, "hedged"), " ",
      HEDGED_LEGEND.slice("hedged: ".length));
  }

  function evidenceList(items) {
    const list = el("ul", { class: "evidence" });
    for (const ev of items || []) {
      const url = ev.url && safeUrl(ev.url);
      const cite = citeOf(ev);
      const citeNode = url ? el("a", { href: url, target: "_blank", rel: "noopener" }, cite) : el("span", {}, cite);
      const meta = ev.method ? ` · found by ${ev.method === "list" ? "a sanctions list" : ev.method}` : "";
      const classes = [ev.method === "list" ? "from-list" : "", isHedged(ev) ? "hedged" : ""].filter(Boolean).join(" ");
      list.append(el("li", { class: classes || null },
        isHedged(ev) ? el("span", { class: "hedged-mark", title: HEDGED_LEGEND }, "hedged") : null,
        el("div", { class: "sentence" }, ev.sentence ? `“${ev.sentence}”` : "(no sentence kept)"),
        el("div", { class: "source" }, "— ", citeNode, meta)));
    }
    if (!list.children.length) list.append(el("li", { class: "muted" }, "No evidence sentences recorded."));
    return list;
  }

  // A fact's claim (graph/claims.py: "corroborated by 3 sources (1 hedged) since 2023-09"), its
  // evidence, then the evidence against it.
  function factEvidence(fact) {
    const c = fact.claim;
    const line = c ? el("div", { class: `claim${c.contradicted ? " contradicted" : ""}${c.sources > 1 ? " corroborated" : ""}`,
      "data-sources": String(c.sources) }, c.summary) : null;
    const against = (fact.denials || []).length ? el("div", { class: "denials" }, el("div", { class: "small" }, "Denied:"),
      evidenceList(fact.denials)) : null;
    return el("div", { class: "fact" }, ...[line, evidenceList(fact.evidence), against].filter(Boolean));
  }

  // One relationship as stored, start first, whichever side the page is about: every view
  // draws arrows from `source` to `target` (queries/report.py relationship()).
  function relArrow(step) {
    return el("span", { class: "hop", "data-source": step.source.id, "data-target": step.target.id, "data-type": step.type },
      entityLink(step.source), " ", el("span", { class: "rel-type arrow" }, `—${step.type}→`), " ", entityLink(step.target));
  }

  // A path read from its first node: each hop's arrow points the way the relationship is stored.
  function pathLine(steps) {
    const line = el("span", { class: "path-line" });
    if (!steps.length) return line;
    line.append(entityLink(steps[0].from));
    for (const s of steps) {
      const out = s.direction === "out";
      line.append(" ", el("span", { class: "rel-type arrow", "data-source": s.source.id, "data-target": s.target.id,
        "data-type": s.type, "data-left": s.from.id, "data-right": s.to.id }, out ? `—${s.type}→` : `←${s.type}—`),
      " ", entityLink(s.to));
    }
    return line;
  }

  // -- result table --------------------------------------------------------------------
  const isNode = (v) => v && typeof v === "object" && !Array.isArray(v) && "labels" in v && "properties" in v && "id" in v;
  const isRel = (v) => v && typeof v === "object" && !Array.isArray(v) && "type" in v && "start" in v && "end" in v;

  // Named queries return ids and names side by side ("vessel", "vessel_id"), article ids as
  // 64 hex digits and evidence as JSON text: a name links to its entity, an article id is
  // shortened (whole on hover), evidence reads as sentences.
  const ENTITY_ID = /^[a-z][a-z0-9_]*:[^\s]+$/;
  const ARTICLE_ID = /^[0-9a-f]{64}$/;
  function cellIn(row, column) {
    const v = row[column];
    const id = row[column + "_id"];
    if (typeof v === "string" && typeof id === "string" && ENTITY_ID.test(id)) return el("a", { href: entityUrl(id) }, v);
    return cell(v);
  }
  function decodedEvidence(v) {
    if (!Array.isArray(v) || !v.length || !v.every((x) => typeof x === "string" && x.startsWith("{"))) return null;
    try {
      const items = v.map((x) => JSON.parse(x));
      return items.every((x) => x && typeof x === "object" && "sentence" in x) ? items : null;
    } catch (e) {
      return null;
    }
  }
  function shortId(v) {
    return el("span", { class: "mono", title: v }, v.slice(0, 12) + "…");
  }

  function cell(v) {
    if (v === null || v === undefined) return el("span", { class: "muted", title: "no value" }, "—");
    if (typeof v === "string" && ARTICLE_ID.test(v)) return shortId(v);
    if (Array.isArray(v) && v.length && v.every((x) => typeof x === "string" && ARTICLE_ID.test(x))) {
      return el("span", {}, v.map((x, i) => [i ? ", " : "", shortId(x)]));
    }
    const decoded = decodedEvidence(v);
    if (decoded) return evidenceList(decoded);
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
      return v.length ? v.map((x) => (x === null ? "—" : String(x))).join(", ") : el("span", { class: "muted", title: "empty list" }, "none");
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
      el("tbody", {}, rows.map((r) => el("tr", {}, columns.map((c) => el("td", {}, cellIn(r, c)))))));
    container.append(table);
  }

  // -- result graph (cytoscape, vendored) ----------------------------------------------
  // The same result always gets the same picture: start positions come from a hash of each
  // node's id, then a fixed number of force steps (no randomness, nodes in id order).
  function hash(text) {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }
    return h >>> 0;
  }

  // Force steps over one connected group (indices into ids), its centre at 0,0. Each step
  // compares every pair: fewer steps for big groups, none past 1,500 nodes (the hashed positions
  // alone, still the same on every load).
  function forceGroup(ids, members, links, k) {
    const n = members.length;
    const spread = k * Math.sqrt(n) * 1.2;
    const pos = members.map((i) => {
      const h = hash(ids[i]);
      return { x: ((h & 0xffff) / 0xffff - 0.5) * spread, y: ((h >>> 16) / 0xffff - 0.5) * spread };
    });
    if (n === 1) return [{ x: 0, y: 0 }];
    const local = new Map(members.map((i, j) => [i, j]));
    const own = links.filter(([a]) => local.has(a)).map(([a, b]) => [local.get(a), local.get(b)]);
    const iterations = n > 1500 ? 0 : n > 400 ? 30 : 300;
    let temp = spread / 4;
    for (let it = 0; it < iterations; it++) {
      const disp = pos.map(() => ({ x: 0, y: 0 }));
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
          let d = Math.hypot(dx, dy);
          if (d < 0.01) { dx = 0.01 * (i - j); dy = 0.01; d = Math.hypot(dx, dy); }
          const f = (k * k) / d;
          disp[i].x += (dx / d) * f; disp[i].y += (dy / d) * f;
          disp[j].x -= (dx / d) * f; disp[j].y -= (dy / d) * f;
        }
      }
      for (const [a, b] of own) {
        const dx = pos[a].x - pos[b].x, dy = pos[a].y - pos[b].y;
        const d = Math.max(Math.hypot(dx, dy), 0.01);
        const f = (d * d) / k;
        disp[a].x -= (dx / d) * f; disp[a].y -= (dy / d) * f;
        disp[b].x += (dx / d) * f; disp[b].y += (dy / d) * f;
      }
      for (let i = 0; i < n; i++) {
        disp[i].x -= pos[i].x * 0.02; disp[i].y -= pos[i].y * 0.02;  // a little gravity
        const d = Math.max(Math.hypot(disp[i].x, disp[i].y), 0.01);
        const step = Math.min(d, temp);
        pos[i].x += (disp[i].x / d) * step; pos[i].y += (disp[i].y / d) * step;
      }
      temp = Math.max(temp * 0.97, 1);
    }
    return pos;
  }

  // Connected groups of node indices, largest first (ties: the one with the smallest id).
  function groupsOf(n, links) {
    const parent = [...Array(n).keys()];
    const find = (a) => { while (parent[a] !== a) { parent[a] = parent[parent[a]]; a = parent[a]; } return a; };
    for (const [a, b] of links) {
      const ra = find(a), rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
    const groups = new Map();
    for (let i = 0; i < n; i++) {
      const r = find(i);
      if (!groups.has(r)) groups.set(r, []);
      groups.get(r).push(i);
    }
    return [...groups.values()].sort((a, b) => b.length - a.length || a[0] - b[0]);
  }

  // The same result always gets the same picture: start positions come from a hash of each
  // node's id, then a fixed number of force steps per connected group (no randomness, nodes in
  // id order). The groups are then packed close together in rows, largest first, so a result
  // of several unconnected groups (or lone nodes) fills the box instead of being pushed apart
  // until the fitted zoom makes every label unreadable.
  function layoutPositions(nodes, edges, aspect = 2) {
    const ids = nodes.map((n) => n.id).sort();
    const index = new Map(ids.map((id, i) => [id, i]));
    const k = 60;  // ideal edge length
    const links = edges.map((e) => [index.get(e.source), index.get(e.target)])
      .filter(([a, b]) => a !== undefined && b !== undefined && a !== b);
    const LABEL_HALF = 55, NODE_HALF = 18, LABEL_BELOW = 30, GAP = 30;
    const boxes = groupsOf(ids.length, links).map((members) => {
      const pos = forceGroup(ids, members, links, k);
      const xs = pos.map((p) => p.x), ys = pos.map((p) => p.y);
      const x0 = Math.min(...xs) - LABEL_HALF, y0 = Math.min(...ys) - NODE_HALF;
      return { members, pos, x0, y0, w: Math.max(...xs) + LABEL_HALF - x0, h: Math.max(...ys) + NODE_HALF + LABEL_BELOW - y0 };
    });
    // Shelf packing, largest group first; of the row widths tried, the one whose picture fits a
    // box of the given width/height ratio at the largest scale.
    const shelve = (rowWidth) => {
      const at = [];
      let x = 0, y = 0, rowHeight = 0, width = 0;
      for (const b of boxes) {
        if (x > 0 && x + b.w > rowWidth) { x = 0; y += rowHeight + GAP; rowHeight = 0; }
        at.push([x, y]);
        width = Math.max(width, x + b.w);
        x += b.w + GAP;
        rowHeight = Math.max(rowHeight, b.h);
      }
      return { at, scale: Math.min(aspect / width, 1 / (y + rowHeight)) };
    };
    let best = shelve(Infinity);
    let sum = 0;
    for (const b of boxes) {
      sum += b.w + GAP;
      const tried = shelve(Math.max(sum, ...boxes.map((c) => c.w)));
      if (tried.scale > best.scale) best = tried;
    }
    const out = {};
    boxes.forEach((b, g) => {
      const [x, y] = best.at[g];
      b.members.forEach((i, j) => {
        out[ids[i]] = { x: Math.round((b.pos[j].x - b.x0 + x) * 10) / 10, y: Math.round((b.pos[j].y - b.y0 + y) * 10) / 10 };
      });
    });
    return out;
  }

  function legend(nodes) {
    const labels = [...new Set(nodes.map((n) => n.label || "other"))].sort();
    return el("div", { class: "legend", id: "legend", "aria-label": "Node colours" },
      labels.map((label) => el("span", { class: "legend-item", "data-label": label },
        el("span", { class: "swatch", style: `background:${LABEL_COLORS[label] || OTHER_COLOR}` }), label)),
      el("span", { class: "legend-item muted small" }, "faded: not in the result, drawn so its relationships have both ends"),
      el("span", { class: "legend-item muted small" }, "relationship names: hover an arrow or zoom in"));
  }

  const OTHER_COLOR = "#475569";
  const LABEL_ZOOM = 1.4;  // edge names drawn from this zoom on (and always on hover)
  const NODE_FONT = 14;
  // The fitted zoom never goes below this: node names stay at least 8.4 px high. A result
  // too big for the box at this zoom opens on its largest group (top left); pan for the rest.
  const MIN_FIT_ZOOM = 0.6;

  function renderGraph(container, graph, handlers) {
    container.replaceChildren();
    container.classList.toggle("empty", !graph.nodes.length);
    if (!graph.nodes.length) {
      container.append(el("p", { class: "muted", style: "padding:14px" },
        "No nodes or relationships in the result: return nodes (n), relationships (r) or paths (p) to see a graph."));
      return null;
    }
    const positions = layoutPositions(graph.nodes, graph.edges, (container.clientWidth || 800) / (container.clientHeight || 430));
    const elements = [];
    for (const n of [...graph.nodes].sort((x, y) => (x.id < y.id ? -1 : 1))) {
      elements.push({ group: "nodes", position: positions[n.id], data: { id: n.id, name: n.name || n.id, label: n.label || "other",
        color: LABEL_COLORS[n.label] || OTHER_COLOR }, classes: n.context ? "context" : "" });
    }
    for (const e of [...graph.edges].sort((x, y) => (x.id < y.id ? -1 : 1))) {
      elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target,
        type: e.type, key: e.key || "", evidence_count: e.evidence_count || 0 } });
    }
    const cy = cytoscape({
      container,
      elements,
      style: [
        { selector: "node", style: {
          "background-color": "data(color)", label: "data(name)", color: "#1d2430",
          "font-size": NODE_FONT, "text-valign": "bottom", "text-margin-y": 4, width: 28, height: 28,
          "text-wrap": "ellipsis", "text-max-width": 110, "border-width": 2, "border-color": "#fff",
          "min-zoomed-font-size": graph.nodes.length <= 60 ? 0 : 7 } },
        { selector: "node.context", style: { opacity: 0.55 } },
        { selector: "edge", style: {
          width: 2, "line-color": "#94a3b8", "target-arrow-color": "#94a3b8",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "control-point-step-size": 28,
          label: "", "font-size": 10, color: "#334155", "text-rotation": "autorotate",
          "text-background-color": "#fbfcfe", "text-background-opacity": 1, "text-background-padding": 2 } },
        { selector: "edge.named, edge.hover, edge:selected", style: { label: "data(type)" } },
        { selector: "edge.hover", style: { "line-color": "#64748b", "target-arrow-color": "#64748b", "z-index": 10 } },
        { selector: "edge:selected", style: { "line-color": "#1f5fbf", "target-arrow-color": "#1f5fbf", width: 3 } },
        { selector: "node:selected", style: { "border-color": "#1f5fbf", "border-width": 3 } },
      ],
      layout: { name: "preset", fit: true, padding: 40 },
    });
    // A small result would otherwise be blown up to fill the box; a big one shrunk to dots.
    if (cy.zoom() > 1.1) { cy.zoom(1.1); cy.center(); }
    if (cy.zoom() < MIN_FIT_ZOOM) {
      const bb = cy.elements().boundingBox();
      cy.zoom(MIN_FIT_ZOOM);
      cy.pan({ x: 40 - bb.x1 * MIN_FIT_ZOOM, y: 40 - bb.y1 * MIN_FIT_ZOOM });
    }
    // Edge names only where they have room: zoomed in, or the one under the pointer.
    const nameEdges = () => cy.batch(() => cy.edges().toggleClass("named", cy.zoom() >= LABEL_ZOOM));
    nameEdges();
    cy.on("zoom", nameEdges);
    cy.on("mouseover", "edge", (evt) => evt.target.addClass("hover"));
    cy.on("mouseout", "edge", (evt) => evt.target.removeClass("hover"));
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
      const props = Object.entries(info.properties || {})
        .filter(([k, v]) => !["articles", "methods", "key"].includes(k) && v !== null && v !== undefined && v !== "")
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.filter((x) => x !== null).join(", ") : (typeof v === "object" ? JSON.stringify(v) : v)}`);
      panel.replaceChildren(
        el("button", { class: "close", title: "Close", onclick: () => { panel.hidden = true; } }, "×"),
        el("h2", {}, relArrow({ source: info.start, target: info.end, type: info.type })),
        ...(props.length ? [el("p", { class: "small muted" }, props.join(" · "))] : []),
        el("div", { class: "small muted" }, `${info.evidence.length} evidence sentence(s)`),
        evidenceList(info.evidence),
        ...(hasHedged(info.evidence) ? [hedgedLegend()] : []));  // replaceChildren would print a null
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
    target.replaceChildren(...[status, el("div", { class: "graph-wrap" }, graphBox, panel),
      data.graph.nodes.length ? legend(data.graph.nodes) : null,
      el("h2", { style: "margin-top:16px" }, "Table"), tableBox].filter(Boolean));
    renderTable(tableBox, data.columns, data.rows);
    renderGraph(graphBox, data.graph, {
      onNode: (n) => (n.label === "Article" ? showArticle(panel, n) : (location.href = entityUrl(n.id))),
      onEdge: (e) => showEdge(panel, e),
    });
    // Port calls in the result: a Map tab beside the graph (map.js).
    if (typeof SKGMap !== "undefined" && data.graph.edges.some((e) => e.type === "CALLED_AT")) {
      const mapBox = el("div", { class: "map-tab", id: "map-tab", hidden: true });
      const wrap = target.querySelector(".graph-wrap");
      const tabs = el("div", { class: "tabs", role: "tablist" },
        el("button", { type: "button", class: "tab active", id: "tab-graph" }, "Graph"),
        el("button", { type: "button", class: "tab", id: "tab-map" }, "Map"));
      const [gTab, mTab] = tabs.children;
      let drawn = false;
      gTab.addEventListener("click", () => { wrap.hidden = false; mapBox.hidden = true; gTab.classList.add("active"); mTab.classList.remove("active"); });
      mTab.addEventListener("click", () => {
        wrap.hidden = true; mapBox.hidden = false; mTab.classList.add("active"); gTab.classList.remove("active");
        if (!drawn) { drawn = true; SKGMap.consoleMap(mapBox, data, (box, e) => showEdge(box, e)).catch((err) => mapBox.append(errorBox(err))); }
      });
      wrap.before(tabs);
      wrap.after(mapBox);
    }
  }

  // Mark the current page in the top bar.
  document.addEventListener("DOMContentLoaded", () => {
    for (const a of document.querySelectorAll("header.top nav a")) {
      const path = a.getAttribute("href");
      if (path === location.pathname || (path === "/" && location.pathname === "/console")) a.classList.add("active");
    }
  });

  return { el, api, entityUrl, safeUrl, errorBox, badge, entityLink, evidenceList, hasHedged, hedgedLegend, factEvidence, citeOf, relArrow, pathLine,
    renderTable, renderGraph, renderResult, showEdge, layoutPositions, MIN_FIT_ZOOM, NODE_FONT };
})();
