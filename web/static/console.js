// Cypher console: editor, parameters, history (localStorage), table + graph of the result.
"use strict";
(() => {
  const { el, api, errorBox, renderResult } = SKG;
  const HISTORY_KEY = "sanctions-kg.history";
  const HISTORY_MAX = 50;
  const cypher = document.getElementById("cypher");
  const params = document.getElementById("params");
  const run = document.getElementById("run");
  const message = document.getElementById("message");
  const result = document.getElementById("result");
  const historyList = document.getElementById("history");
  const limits = document.getElementById("limits");

  const loadHistory = () => {
    try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) || []; } catch (e) { return []; }
  };

  function remember(query, paramsText) {
    const items = loadHistory().filter((h) => h.query !== query || h.params !== paramsText);
    items.unshift({ query, params: paramsText, at: new Date().toISOString() });
    localStorage.setItem(HISTORY_KEY, JSON.stringify(items.slice(0, HISTORY_MAX)));
    showHistory();
  }

  function showHistory() {
    const items = loadHistory();
    historyList.replaceChildren(...items.map((h) => el("li", {
      title: h.query + (h.params && h.params !== "{}" ? "\nparams: " + h.params : ""),
      onclick: () => { cypher.value = h.query; params.value = h.params || "{}"; cypher.focus(); },
    }, h.query.replace(/\s+/g, " "))));
    if (!items.length) historyList.append(el("li", { class: "muted" }, "Queries you run appear here."));
  }

  async function execute() {
    message.replaceChildren();
    let values;
    try {
      values = params.value.trim() ? JSON.parse(params.value) : {};
      if (typeof values !== "object" || Array.isArray(values) || values === null) throw new Error("not an object");
    } catch (e) {
      message.append(errorBox(new Error('Parameters must be a JSON object, e.g. {"imo": "9161003"}.')));
      return;
    }
    const query = cypher.value;
    remember(query, params.value.trim() || "{}");
    run.disabled = true;
    try {
      const data = await api("/api/query", { json: { query, params: values } });
      renderResult(result, data);
      limits.textContent = `limits: ${data.limits.timeout} s, ${data.limits.max_rows} rows`;
    } catch (err) {
      message.append(errorBox(err));
    } finally {
      run.disabled = false;
    }
  }

  run.addEventListener("click", execute);
  cypher.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); execute(); }
  });
  // /?q=...&params=... opens the console on a query (links from entity pages use it).
  const url = new URLSearchParams(location.search);
  if (url.get("q")) {
    cypher.value = url.get("q");
    if (url.get("params")) params.value = url.get("params");
    execute();
  }
  showHistory();
})();
