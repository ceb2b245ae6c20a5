// Search over names and aliases (typo-tolerant, server side with rapidfuzz).
"use strict";
(() => {
  const { el, api, errorBox, badge, entityUrl } = SKG;
  const form = document.getElementById("search-form");
  const input = document.getElementById("q");
  const list = document.getElementById("results");
  const message = document.getElementById("message");

  async function search(q) {
    message.replaceChildren();
    list.replaceChildren();
    if (!q.trim()) return;
    try {
      const data = await api("/api/search?" + new URLSearchParams({ q }));
      if (!data.results.length) {
        message.append(el("div", { class: "notice" }, `Nothing close to “${q}”.`));
        return;
      }
      for (const r of data.results) {
        const other = r.aliases.filter((a) => a !== r.matched).slice(0, 8);
        list.append(el("li", {},
          el("a", { class: "name", href: entityUrl(r.id) }, r.name), " ", badge(r.label),
          el("div", { class: "small muted" },
            r.matched !== r.name ? `matched “${r.matched}” · ` : "", r.id,
            other.length ? ` · also: ${other.join(", ")}` : "")));
      }
    } catch (err) {
      message.append(errorBox(err));
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    history.replaceState(null, "", "/search?" + new URLSearchParams({ q: input.value }));
    search(input.value);
  });
  const q = new URLSearchParams(location.search).get("q") || "";
  input.value = q;
  search(q);
})();
