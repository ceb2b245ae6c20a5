// Named queries as buttons with parameter forms; results as table + graph.
"use strict";
(() => {
  const { el, api, errorBox, renderResult } = SKG;
  const box = document.getElementById("queries");
  const message = document.getElementById("message");
  const result = document.getElementById("result");

  const INPUT_TYPES = { int: "number", float: "number", date: "date" };

  function form(q) {
    const inputs = q.params.map((p) => {
      const attrs = {
        type: INPUT_TYPES[p.type] || "text", name: p.name, required: p.required,
        placeholder: p.example !== null ? String(p.example) : "",
        min: p.minimum, max: p.maximum, step: p.type === "float" ? "any" : null,
      };
      if (p.type === "bool") attrs.placeholder = "true / false";
      if (p.default !== null && p.default !== undefined) attrs.value = String(p.default);
      return el("label", { class: "field", title: p.doc }, el("span", {}, `$${p.name} · ${p.type}${p.required ? " · required" : ""}`), el("input", attrs));
    });
    const f = el("form", { "data-query": q.name }, el("div", { class: "params" }, inputs),
      el("button", { type: "submit" }, `Run ${q.name}`));
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      message.replaceChildren();
      const values = {};
      for (const input of f.querySelectorAll("input")) if (input.value !== "") values[input.name] = input.value;
      const button = f.querySelector("button");
      button.disabled = true;
      try {
        const data = await api("/api/queries/" + encodeURIComponent(q.name), { json: { params: values } });
        result.replaceChildren(el("h2", {}, q.name), el("div", {}));
        renderResult(result.lastChild, data);
        result.scrollIntoView({ behavior: "smooth" });
      } catch (err) {
        message.append(errorBox(err));
        message.scrollIntoView({ behavior: "smooth" });
      } finally {
        button.disabled = false;
      }
    });
    return f;
  }

  api("/api/queries").then((data) => {
    for (const q of data.queries) {
      box.append(el("section", { class: "card" }, el("h2", {}, q.name),
        el("p", { class: "small muted" }, q.summary), form(q)));
    }
  }).catch((err) => message.append(errorBox(err)));
})();
