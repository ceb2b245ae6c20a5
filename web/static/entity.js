// Entity page: the report the CLI prints (`sanctions-kg report`), with the evidence behind each fact.
// Relationships are drawn from the API's source/target (queries/report.py relationship()), never
// re-derived here, so the page reads every edge the way the graph stores it.
"use strict";
(() => {
  const { el, api, errorBox, badge, entityLink, evidenceList, hasHedged, hedgedLegend, factEvidence, entityUrl, safeUrl, relArrow, pathLine } = SKG;
  const main = document.getElementById("entity");
  const ref = decodeURIComponent(location.pathname.slice("/entity/".length));

  const section = (title, ...body) => el("section", { class: "card" }, el("h2", {}, title), ...body);
  const empty = (text) => el("p", { class: "muted" }, text);
  const when = (x) => x.date || (x.year ? String(x.year) : "date not stated");
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many || one + "s"}`;

  function status(report) {
    const s = report.status || { level: "clear", text: "" };
    return el("div", { class: `status ${s.level}`, id: "status" }, s.text);
  }

  function directList(direct) {
    return el("ul", { class: "chain", id: "sanctions-direct" }, direct.map((d) => el("li", {},
      el("strong", {}, "Sanctioned by ", entityLink(d.by)), ` · ${when(d)}`,
      d.program ? ` · programme ${d.program}` : "",
      d.list_name ? ` · list ${d.list_name}${d.list_id ? `, entry ${d.list_id}` : ""}` : "",
      factEvidence(d))));
  }

  // Each hop of a linked path with its own evidence, as the CLI prints it.
  function hops(steps) {
    return el("ol", { class: "hops" }, steps.map((s) => el("li", {}, relArrow(s), factEvidence(s))));
  }

  function indirectList(sanctions) {
    const items = sanctions.indirect.map((x) => el("li", { class: "linked" },
      el("div", {}, el("strong", {}, entityLink(x.sanctioned)), " ", badge(x.sanctioned.label),
        ` · ${plural(x.hops, "hop")} away: `, pathLine(x.path)),
      hops(x.path)));
    const notes = [];
    if (sanctions.indirect_omitted) {
      const named = sanctions.indirect_omitted_entities || [];
      notes.push(el("p", { class: "muted", id: "sanctions-omitted" },
        `${plural(sanctions.indirect_omitted, "more sanctioned entity", "more sanctioned entities")} ` +
        "nearby, sanctioned by the same bodies as this one or as an entity listed above" + (named.length ? ": " : "."),
        named.map((o, i) => [i ? "; " : "", entityLink(o.sanctioned), " ", badge(o.sanctioned.label),
          ` (${plural(o.hops, "hop")}`, o.via ? [" via ", entityLink(o.via)] : "", ")"])));
    }
    if (sanctions.indirect_truncated) notes.push(empty(`Only the nearest ${sanctions.indirect.length} are listed.`));
    return el("div", { id: "sanctions-linked" },
      el("h3", {}, "Exposure through others"),
      items.length ? el("ul", { class: "chain" }, items) : null, ...notes);
  }

  function incomingCalls(calls) {
    const flagged = new Set(calls.filter((c) => c.sanctioned_by.length).map((c) => c.vessel.id));
    return section(`Calls here (${plural(calls.length, "call")}, ${plural(flagged.size, "sanctioned vessel")})`,
      el("ul", { class: "timeline", id: "incoming-calls" }, calls.map((c) => el("li", {
        class: c.sanctioned_by.length ? "sanctioned" : null, "data-vessel": c.vessel.id },
        el("span", { class: "when" }, c.date || "date not stated"), " · ", entityLink(c.vessel), " ",
        c.activity ? el("span", { class: "muted" }, c.activity) : "",
        c.sanctioned_by.length
          ? el("span", { class: "flag" }, "sanctioned by ", c.sanctioned_by.map((b, i) => [i ? ", " : "", entityLink(b)]))
          : "",
        factEvidence(c)))));
  }

  function details(props) {
    const shown = Object.entries(props || {}).filter(([, v]) => v !== null && v !== undefined && v !== "");
    return shown.length
      ? el("span", { class: "small muted" }, " · " + shown.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`).join(", "))
      : "";
  }

  function render(r) {
    const e = r.entity;
    document.title = `${e.name || e.id} · sanctions-kg`;
    const consoleQuery = "MATCH (n:Entity {id: $id})-[r]-(m) WHERE NOT m:Article RETURN n, r, m";
    const consoleLink = "/?" + new URLSearchParams({ q: consoleQuery, params: JSON.stringify({ id: e.id }) });
    const aliases = e.aliases.filter((a) => a !== e.name);
    const ids = Object.entries(e.identifiers);
    const props = Object.entries(e.properties).filter(([k, v]) => v !== null && v !== "" && k !== "source");
    const place = e.label === "Port" || e.label === "Location";

    const head = el("div", {},
      el("div", { class: "entity-head" }, el("h1", {}, e.name || e.id), badge(e.label),
        el("code", { class: "muted" }, e.id),
        el("a", { href: consoleLink, class: "small", style: "margin-left:auto" }, "Open neighbourhood in the console →")),
      status(r),
      hasHedged(r) ? hedgedLegend() : null);

    const about = el("div", { class: "grid2" },
      section("Aliases", aliases.length ? el("div", {}, aliases.map((a) => el("span", { class: "chip" }, a))) : empty("None recorded.")),
      section("Identifiers and properties",
        ids.length || props.length
          ? el("dl", { class: "ids" }, [...ids, ...props].map(([k, v]) => [el("dt", {}, k), el("dd", {}, Array.isArray(v) ? v.join(", ") : String(v))]))
          : empty("None recorded.")));

    const sanctions = section("Sanctions",
      r.sanctions.direct.length ? directList(r.sanctions.direct) : empty("Not sanctioned directly according to the graph."),
      r.sanctions.indirect.length || r.sanctions.indirect_omitted ? indirectList(r.sanctions) : null);

    const ownership = section("Ownership and control",
      r.ownership.length
        ? el("ul", { class: "chain", id: "ownership" }, r.ownership.map((o) => el("li", {}, relArrow(o), factEvidence(o))))
        : empty("No owner, operator or parent body recorded."));

    const incoming = r.incoming_calls && r.incoming_calls.length ? incomingCalls(r.incoming_calls)
      : place ? section("Calls here", empty("No vessel calls recorded.")) : null;

    const calls = r.port_calls.length || !place ? section("Port calls",
      r.port_calls.length
        ? el("ul", { class: "timeline", id: "port-calls" }, r.port_calls.map((c) => el("li", {},
            el("span", { class: "when" }, c.date || "date not stated"), " · ",
            c.activity ? `${c.activity} at ` : "at ", entityLink(c.port),
            factEvidence(c))))
        : empty("No port calls recorded.")) : null;

    const dark = r.ais_dark.length ? section("AIS gaps (went dark)", evidenceList(r.ais_dark)) : null;

    const relTypes = Object.entries(r.relationships);
    const rels = section("Other relationships",
      relTypes.length
        ? el("div", { id: "relationships" }, relTypes.map(([type, items]) => el("div", {},
            el("h3", { class: "rel-type" }, type),
            el("ul", { class: "chain" }, items.map((x) => el("li", {},
              relArrow({ source: x.source, target: x.target, type }), " ", badge(x.other.label), details(x.properties),
              factEvidence(x)))))))
        : empty("None."));

    const h = r.identity;
    const identity = h ? section("Identity over time",
      h.events.length
        ? el("ul", { class: "timeline", id: "identity" }, h.events.map((e) => el("li", {},
            el("span", { class: "when" }, e.date || "date not stated"), " · ", e.what)))
        : empty("No names, flags or owners recorded."),
      h.conflicts.length
        ? el("ul", { class: "conflicts", id: "identity-conflicts" }, h.conflicts.map((c) => el("li", { "data-kind": c.kind },
            el("strong", {}, "Conflict: "), c.text)))
        : null) : null;

    const denied = (r.denied || []).length ? section("Denied, and stated by no source",
      el("ul", { class: "chain", id: "denied" }, r.denied.map((x) => el("li", {},
        el("span", { class: "rel-type" }, x.type), " ", entityLink(x.other), " ", badge(x.other.label),
        factEvidence({ claim: x.claim, evidence: [], denials: x.evidence }))))) : null;

    const articles = section("Articles",
      r.articles.length
        ? el("ul", { class: "results-list", id: "articles" }, r.articles.map((a) => el("li", {},
            safeUrl(a.url) ? el("a", { href: safeUrl(a.url), target: "_blank", rel: "noopener" }, a.title || a.id) : (a.title || a.id),
            el("div", { class: "small muted" }, [a.source, a.published].filter(Boolean).join(" · ")))))
        : empty("No article mentions this entity."));

    // Vessels and ports: their dated events on a timeline and a map (timeline.js, map.js).
    const events = e.label === "Vessel" || e.label === "Port"
      ? el("section", { class: "card", id: "events" }, el("h2", {}, "Timeline and map"), empty("Loading…")) : null;
    main.replaceChildren(...[head, about, sanctions, events, incoming, ownership, identity, calls, dark, rels, denied, articles].filter(Boolean));
    if (events) SKGTimeline.mount(events, e.id).catch((err) => events.replaceChildren(el("h2", {}, "Timeline and map"), SKG.errorBox(err)));
  }

  function notFound(err) {
    const box = [errorBox(err)];
    if (err.candidates && err.candidates.length) {
      box.push(el("p", {}, "Did you mean:"),
        el("ul", {}, err.candidates.map((c) => el("li", {}, el("a", { href: entityUrl(c.id) }, c.name || c.id), " ", badge(c.label)))));
    }
    main.replaceChildren(el("h1", {}, ref), ...box);
  }

  // ?min_sources=2&sort=sources on the page pass on to the API (queries/report.py build_report).
  const query = new URLSearchParams([...new URLSearchParams(location.search)].filter(([k]) => k === "min_sources" || k === "sort"));
  api("/api/entity/" + encodeURIComponent(ref) + (query.toString() ? "?" + query : "")).then(render).catch(notFound);
})();
