// Alerts page: what changed about the watched items (`sanctions-kg watch`, graph/watch.py), each
// alert with its evidence; "Mark seen" sends the one write this page makes (POST /api/alerts/seen).
"use strict";
(() => {
  const { el, api, errorBox, evidenceList, entityUrl } = SKG;
  const main = document.getElementById("alerts");
  const showAll = new URLSearchParams(location.search).get("all") === "1";
  const KINDS = { designation: "designation", port_call: "port call", new_name: "new name", new_imo: "new IMO",
    exposure: "sanctioned party near", article: "new article" };

  function watched(w) {
    return w.kind === "program" ? el("span", {}, `programme ${w.name}`) : el("a", { href: entityUrl(w.target) }, w.name);
  }

  async function load() {
    let data;
    try {
      data = await api("/api/alerts" + (showAll ? "?all=1" : ""));
    } catch (err) {
      main.replaceChildren(el("h1", {}, "Alerts"), errorBox(err));
      return;
    }
    const byWatch = new Map(data.watches.map((w) => [w.id, w]));
    const unseen = data.alerts.filter((a) => !a.seen).map((a) => a.id);
    const markAll = el("button", { type: "button", id: "mark-all", disabled: !unseen.length,
      onclick: async () => { await api("/api/alerts/seen", { json: { ids: unseen } }); load(); } }, "Mark all seen");
    const head = el("div", { class: "entity-head" }, el("h1", {}, `Alerts (${unseen.length} unseen)`), markAll,
      el("a", { href: showAll ? "/alerts" : "/alerts?all=1", class: "small", style: "margin-left:auto" }, showAll ? "Unseen only" : "Also seen ones"));
    const watches = el("p", { class: "small muted", id: "watchlist" },
      data.watches.length ? ["Watching: ", data.watches.map((w, i) => [i ? ", " : "", watched(w)])]
        : "Nothing is watched. Add items with `uv run sanctions-kg watch add NAME`.");
    const list = el("ul", { class: "results-list", id: "alert-list" }, data.alerts.map((a) => {
      const w = byWatch.get(a.watch);
      return el("li", { class: "card alert-item" + (a.seen ? " seen" : ""), "data-id": a.id, "data-kind": a.kind },
        el("div", {}, el("span", { class: "badge" }, KINDS[a.kind] || a.kind), " ",
          w ? watched(w) : a.watch_name, a.date ? el("span", { class: "when" }, ` · ${a.date}`) : "",
          el("span", { class: "small muted" }, ` · raised ${a.raised_at || ""}`),
          a.seen ? "" : el("button", { type: "button", class: "small seen-one", style: "margin-left:8px",
            onclick: async () => { await api("/api/alerts/seen", { json: { ids: [a.id] } }); load(); } }, "Mark seen")),
        el("p", {}, a.summary), evidenceList(a.evidence));
    }));
    main.replaceChildren(head, watches,
      data.alerts.length ? list : el("p", { class: "muted", id: "no-alerts" }, showAll ? "No alerts." : "No unseen alerts."));
  }

  load();
})();
