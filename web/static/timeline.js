// A vessel's or port's dated events (/api/events: port calls, loadings, ship-to-ship transfers,
// AIS gaps, designations) on a timeline and on the world map (map.js). Clicking an event, on
// either, shows its evidence sentence.
"use strict";
const SKGTimeline = (() => {
  const { el, api, evidenceList, entityLink } = SKG;
  const KINDS = { port_call: "port call", loading: "loading", sts: "ship-to-ship", ais_gap: "AIS gap", designation: "designation" };

  // A strip with one mark per dated event, placed by date, above the list.
  function strip(events) {
    const dated = events.filter((x) => x.date && !Number.isNaN(Date.parse(x.date)));
    if (dated.length < 2) return null;
    const t = dated.map((x) => Date.parse(x.date));
    const lo = Math.min(...t), hi = Math.max(...t), span = hi - lo || 1;
    const bar = el("div", { class: "time-strip", "aria-hidden": "true" },
      el("span", { class: "end start" }, dated[0].date), el("span", { class: "end stop" }, dated[dated.length - 1].date));
    dated.forEach((x, i) => bar.append(el("span", { class: `mark ${x.kind}`, "data-n": x.n, title: `${x.date} · ${x.text}`,
      style: `left:${(2 + 96 * (t[i] - lo) / span).toFixed(2)}%` })));
    return bar;
  }

  async function mount(section, ref) {
    const data = await api("/api/events/" + encodeURIComponent(ref));
    const events = data.events;
    if (!events.length) {
      section.replaceChildren(el("h2", {}, "Timeline and map"), el("p", { class: "muted" }, "No dated events recorded."));
      return;
    }
    const places = data.places;
    const mapBox = el("div", { class: "map", id: "event-map" });
    const detail = el("div", { class: "panel event-detail", id: "event-evidence", hidden: true });
    const list = el("ol", { class: "timeline", id: "event-timeline" });
    const items = new Map();
    function select(x) {
      for (const li of list.children) li.classList.toggle("selected", li.dataset.n === String(x.n));
      for (const m of section.querySelectorAll(".time-strip .mark")) m.classList.toggle("selected", m.dataset.n === String(x.n));
      SKGMap.highlight(mapBox, x.port ? x.port.id : null);
      detail.hidden = false;
      detail.replaceChildren(el("h3", {}, `${x.date || "date not stated"} · ${x.text}`),
        x.port ? el("p", { class: "small" }, "at ", entityLink(x.port), places[x.port.id] ? "" : " (not on the map)") : null,
        evidenceList(x.evidence));
    }
    for (const x of events) {
      const li = el("li", { class: x.kind, "data-n": x.n, "data-kind": x.kind, "data-date": x.date || "",
        "data-port": x.port ? x.port.id : "", tabindex: 0, onclick: () => select(x),
        onkeydown: (e) => { if (e.key === "Enter") select(x); } },
      el("span", { class: "when" }, x.date || "date not stated"), " ", el("span", { class: "kind" }, KINDS[x.kind] || x.kind),
      " ", x.text);
      items.set(x.n, li);
      list.append(li);
    }
    const bar = strip(events);
    if (bar) bar.addEventListener("click", (e) => { const n = e.target.dataset.n; if (n !== undefined) select(events[Number(n)]); });
    const unplaced = events.filter((x) => x.port && !places[x.port.id]).length;
    section.replaceChildren(...[el("h2", {}, `Timeline and map (${events.length} event${events.length === 1 ? "" : "s"})`),
      el("div", { class: "timeline-map" }, el("div", {}, bar, list), el("div", {}, mapBox, detail)),
      unplaced ? el("p", { class: "small muted" }, `${unplaced} event(s) at ports the package has no coordinates for are on the timeline only.`) : null]
      .filter(Boolean));
    const route = events.filter((x) => x.port && places[x.port.id] && data.entity.label === "Vessel").map((x) => x.port.id);
    const ports = Object.values(places).map((p) => ({ ...p, count: events.filter((x) => x.port && x.port.id === p.id).length }));
    await SKGMap.draw(mapBox, ports, {
      route,
      onPort: (p) => { const first = events.find((x) => x.port && x.port.id === p.id); if (first) select(first); },
    });
  }

  return { mount };
})();
