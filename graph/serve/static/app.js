// The query page of `rkg serve`: everything it needs comes from this server.
"use strict";
(function () {
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const examples = document.getElementById("examples");
  const accept = document.getElementById("accept");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const tokenBox = document.getElementById("token-box");
  const token = document.getElementById("token");
  let config = { prefixes: {}, examples: [] };

  function prologue() {
    return Object.keys(config.prefixes).sort()
      .map((p) => `PREFIX ${p}: <${config.prefixes[p]}>`).join("\n");
  }

  function starter() {
    return prologue() + "\n\nSELECT ?thing ?label WHERE {\n  ?thing rdfs:label ?label .\n} LIMIT 20\n";
  }

  function say(text, error) {
    status.textContent = text;
    status.className = error ? "error" : "";
  }

  function cell(term) {
    if (!term) return "";
    if (term.type === "literal" && term["xml:lang"]) return `${term.value} @${term["xml:lang"]}`;
    return term.value;
  }

  function table(data) {
    const t = document.createElement("table");
    const head = t.createTHead().insertRow();
    for (const v of data.head.vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const row of data.results.bindings) {
      const tr = body.insertRow();
      for (const v of data.head.vars) tr.insertCell().textContent = cell(row[v]);
    }
    return t;
  }

  async function run(event) {
    event.preventDefault();
    results.replaceChildren();
    say("Running…");
    const headers = { "Accept": accept.value, "Content-Type": "application/x-www-form-urlencoded" };
    if (token.value) {
      sessionStorage.setItem("rkg-token", token.value);
      headers["Authorization"] = `Bearer ${token.value}`;
    }
    const started = performance.now();
    let response, text;
    try {
      response = await fetch("/query", { method: "POST", headers,
        body: new URLSearchParams({ query: editor.value }) });
      text = await response.text();
    } catch (error) {
      say(`The answer was cut off or the server could not be reached: ${error}`, true);
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (!response.ok) {
      say(`${response.status}: ${text}`, true);
      return;
    }
    const kind = response.headers.get("Content-Type") || "";
    if (kind.startsWith("application/sparql-results+json")) {
      let data;
      try { data = JSON.parse(text); } catch (error) {
        say(`The answer is not complete JSON (cut off?): ${error}`, true);
        return;
      }
      if ("boolean" in data) {
        say(`${data.boolean} (${seconds} s)`);
        return;
      }
      say(`${data.results.bindings.length} rows (${seconds} s)`);
      results.appendChild(table(data));
    } else {
      say(`${text.length} characters of ${kind} (${seconds} s)`);
      const pre = document.createElement("pre");
      pre.textContent = text;
      results.appendChild(pre);
    }
  }

  async function load() {
    try {
      const response = await fetch("/ui/config.json");
      config = await response.json();
    } catch (error) {
      say(`Could not read the page settings: ${error}`, true);
    }
    for (const ex of config.examples) {
      const option = document.createElement("option");
      option.value = ex.name;
      option.textContent = ex.title ? `${ex.name} — ${ex.title}` : ex.name;
      examples.appendChild(option);
    }
    document.getElementById("site-link").hidden = !config.site;
    tokenBox.hidden = !config.token;
    token.value = sessionStorage.getItem("rkg-token") || "";
    editor.value = starter();
  }

  examples.addEventListener("change", () => {
    const ex = config.examples.find((e) => e.name === examples.value);
    editor.value = ex ? ex.query : starter();
  });
  form.addEventListener("submit", run);
  load();
})();
