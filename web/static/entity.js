// Entity page: the report the CLI prints (`sanctions-kg report`), with the evidence behind each fact.
"use strict";
(() => {
  const { el, api, errorBox, badge, entityLink, evidenceList, entityUrl, safeUrl } = SKG;
  const main = document.getElementById("entity");
  const ref = decodeURIComponent(location.pathname.slice("/entity/".length));

  const section = (title, ...body) => el("section", { class: "card" }, el("h2", {}, title), ...body);
  const empty = (text) => el("p", { class: "muted" }, text);
  const when = (x) => x.date || (x.year ? String(x.year) : "date not stated");

  function status(report) {
    const direct = report.sanctions.direct;
    const indirect = report.sanctions.indirect;
    if (direct.length) {
      const by = [...new Set(direct.map((d) => d.by.name || d.by.id))].join(", ");
      return el("div", { class: "status sanctioned", id: "status" }, `Sanctioned by ${by}`);
    }
    if (indirect.length) {
      return el("div", { class: "status exposed", id: "status" },
        `Not sanctioned itself; linked to ${indirect.length} sanctioned entit${indirect.length === 1 ? "y" : "ies"}`);
    }
    return el("div", { class: "status clear", id: "status" }, "No sanctions found in the graph");
  }

  function step(s) {
    return el("span", {}, entityLink(s.from), " ", el("span", { class: "rel-type" }, `—${s.type}→`), " ", entityLink(s.to));
  }

  function render(r) {
    const e = r.entity;
    document.title = `${e.name || e.id} · sanctions-kg`;
    const consoleQuery = "MATCH (n:Entity {id: $id})-[r]-(m) WHERE NOT m:Article RETURN n, r, m";
    const consoleLink = "/?" + new URLSearchParams({ q: consoleQuery, params: JSON.stringify({ id: e.id }) });
    const aliases = e.aliases.filter((a) => a !== e.name);
    const ids = Object.entries(e.identifiers);
    const props = Object.entries(e.properties).filter(([k, v]) => v !== null && v !== "" && k !== "source");

    const head = el("div", {},
      el("div", { class: "entity-head" }, el("h1", {}, e.name || e.id), badge(e.label),
        el("code", { class: "muted" }, e.id),
        el("a", { href: consoleLink, class: "small", style: "margin-left:auto" }, "Open neighbourhood in the console →")),
      status(r));

    const about = el("div", { class: "grid2" },
      section("Aliases", aliases.length ? el("div", {}, aliases.map((a) => el("span", { class: "chip" }, a))) : empty("None recorded.")),
      section("Identifiers and properties",
        ids.length || props.length
          ? el("dl", { class: "ids" }, [...ids, ...props].map(([k, v]) => [el("dt", {}, k), el("dd", {}, Array.isArray(v) ? v.join(", ") : String(v))]))
          : empty("None recorded.")));

    const sanctions = section("Sanctions",
      r.sanctions.direct.length
        ? el("ul", { class: "chain", id: "sanctions-direct" }, r.sanctions.direct.map((d) => el("li", {},
            el("strong", {}, entityLink(d.by)), ` · ${when(d)}`,
            d.program ? ` · program ${d.program}` : "", d.list_name ? ` · list ${d.list_name}` : "",
            evidenceList(d.evidence))))
        : empty("Not sanctioned directly according to the graph."),
      r.sanctions.indirect.length
        ? el("div", {}, el("h2", { style: "margin-top:12px" }, "Linked sanctioned entities"),
            el("ul", { class: "chain" }, r.sanctions.indirect.map((x) => el("li", {},
              el("strong", {}, entityLink(x.sanctioned)), ` · ${x.hops} hop${x.hops === 1 ? "" : "s"}: `,
              x.path.map((s, i) => [i ? " · " : "", step(s)])))))
        : null);

    const ownership = section("Ownership and control",
      r.ownership.length
        ? el("ul", { class: "chain", id: "ownership" }, r.ownership.map((o) => el("li", {}, step(o), evidenceList(o.evidence))))
        : empty("No owner, operator or parent body recorded."));

    const calls = section("Port calls",
      r.port_calls.length
        ? el("ul", { class: "timeline", id: "port-calls" }, r.port_calls.map((c) => el("li", {},
            el("span", { class: "when" }, c.date || "date not stated"), " · ",
            c.activity ? `${c.activity} at ` : "at ", entityLink(c.port),
            evidenceList(c.evidence))))
        : empty("No port calls recorded."));

    const dark = r.ais_dark.length ? section("AIS gaps (went dark)", evidenceList(r.ais_dark)) : null;

    const relTypes = Object.entries(r.relationships);
    const rels = section("Other relationships",
      relTypes.length
        ? el("div", { id: "relationships" }, relTypes.map(([type, items]) => el("div", {},
            el("h2", { class: "rel-type", style: "margin:10px 0 6px" }, type),
            el("ul", { class: "chain" }, items.map((x) => el("li", {},
              x.direction === "out" ? "→ " : "← ", entityLink(x.other), " ", badge(x.other.label),
              Object.keys(x.properties || {}).length
                ? el("span", { class: "small muted" }, " · " + Object.entries(x.properties).filter(([, v]) => v !== null && v !== "").map(([k, v]) => `${k}: ${v}`).join(", "))
                : "",
              evidenceList(x.evidence)))))))
        : empty("None."));

    const articles = section("Articles",
      r.articles.length
        ? el("ul", { class: "results-list", id: "articles" }, r.articles.map((a) => el("li", {},
            safeUrl(a.url) ? el("a", { href: safeUrl(a.url), target: "_blank", rel: "noopener" }, a.title || a.id) : (a.title || a.id),
            el("div", { class: "small muted" }, [a.source, a.published].filter(Boolean).join(" · ")))))
        : empty("No article mentions this entity."));

    main.replaceChildren(...[head, about, sanctions, ownership, calls, dark, rels, articles].filter(Boolean));
  }

  function notFound(err) {
    const box = [errorBox(err)];
    if (err.candidates && err.candidates.length) {
      box.push(el("p", {}, "Did you mean:"),
        el("ul", {}, err.candidates.map((c) => el("li", {}, el("a", { href: entityUrl(c.id) }, c.name || c.id), " ", badge(c.label)))));
    }
    main.replaceChildren(el("h1", {}, ref), ...box);
  }

  api("/api/entity/" + encodeURIComponent(ref)).then(render).catch(notFound);
})();
