// The chat page served at `/`: no framework, no build step of its own. It talks protocol v1 through
// the same client any application uses (shared/client, served bundled at /omnia-client.js), so
// streaming, client-side tools, reconnecting and resuming behave here as they do there.
// Client-side tools ask the user before they run.
export const CHAT_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Omnia chat</title>
<style>
  :root { font-family: system-ui, sans-serif; color-scheme: light dark; }
  body { margin: 0; display: flex; flex-direction: column; height: 100vh; }
  header { padding: .6rem 1rem; border-bottom: 1px solid #8884; display: flex; gap: 1rem; align-items: center; }
  header h1 { font-size: 1rem; margin: 0; }
  #status { font-size: .8rem; opacity: .7; margin-left: auto; }
  #log { flex: 1; overflow-y: auto; padding: 1rem; display: flex; flex-direction: column; gap: .6rem; }
  .msg { max-width: 75ch; padding: .5rem .8rem; border-radius: .6rem; white-space: pre-wrap; }
  .user { align-self: flex-end; background: #2563eb22; }
  .assistant { align-self: flex-start; background: #8882; }
  .tool { align-self: flex-start; border: 1px dashed #8888; font-size: .9rem; }
  .error { align-self: stretch; background: #dc262622; font-size: .9rem; }
  .notice { align-self: center; font-size: .8rem; opacity: .7; }
  .usage { font-size: .75rem; opacity: .6; }
  form { display: flex; gap: .5rem; padding: .8rem 1rem; border-top: 1px solid #8884; }
  #input { flex: 1; padding: .5rem; font: inherit; }
  button { font: inherit; padding: .4rem .9rem; }
</style>
</head>
<body>
<header>
  <h1>Omnia</h1>
  <label>Agent <select id="agent"></select></label>
  <button id="new" type="button">New session</button>
  <span id="status">connecting…</span>
</header>
<main id="log" aria-live="polite"></main>
<form id="form">
  <input id="input" autocomplete="off" placeholder="Message the agent" aria-label="Message">
  <input id="metadata" autocomplete="off" placeholder="metadata: key=value, …" aria-label="Metadata" size="22">
  <button id="send" type="submit">Send</button>
</form>
<script type="module">
import { OmniaClient } from "/omnia-client.js";

const log = document.getElementById("log");
const input = document.getElementById("input");
const statusEl = document.getElementById("status");
const agentSelect = document.getElementById("agent");
const metadataInput = document.getElementById("metadata");
let client = null;
let turn = null;
let answerEl = null;

function add(cls, text) {
  const el = document.createElement("div");
  el.className = "msg " + cls;
  el.textContent = text;
  log.appendChild(el);
  log.scrollTop = log.scrollHeight;
  return el;
}
function setStatus(text, state, sessionId) {
  statusEl.textContent = text;
  statusEl.dataset.state = state;
  if (sessionId) statusEl.dataset.session = sessionId;
}
const short = (id) => id.slice(0, 8);
const describe = (err) => (err && err.code ? err.code + ": " : "") + (err && err.message ? err.message : String(err));

// Tools this page can run for the agent, after the user agrees.
const clientTools = {
  get_location: async () => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    const city = zone.includes("/") ? zone.split("/").pop().replaceAll("_", " ") : zone;
    return { city, time_zone: zone, source: "browser time zone" };
  },
};

function parseMetadata(text) {
  const pairs = text.split(",").map((p) => p.trim()).filter(Boolean).map((p) => p.split("="));
  if (pairs.length === 0) return null;
  return Object.fromEntries(pairs.map(([k, ...v]) => [k.trim(), v.join("=").trim()]));
}

// The client acknowledges the call at once; the answer goes back when the user has decided.
async function onToolCall(call) {
  answerEl = null; // what the agent says after the tool goes in a new bubble
  const box = add("tool", "Tool call: " + call.name + " " + JSON.stringify(call.arguments));
  const handler = clientTools[call.name];
  if (!handler) {
    box.textContent += "\\n(this page cannot run it)";
    return { error: "the chat page has no handler for " + call.name };
  }
  const question = document.createElement("div");
  question.textContent = call.consentMessage || ("Allow the agent to use " + call.name + "?");
  const allow = document.createElement("button");
  allow.textContent = "Allow";
  const deny = document.createElement("button");
  deny.textContent = "Deny";
  question.append(" ", allow, " ", deny);
  box.appendChild(question);
  const allowed = await new Promise((resolve) => {
    allow.onclick = () => resolve(true);
    deny.onclick = () => resolve(false);
  });
  question.remove();
  if (!allowed) {
    box.textContent += "\\n→ denied";
    return { error: "the user denied " + call.name };
  }
  try {
    const result = await handler(call.arguments);
    box.textContent += "\\n→ " + JSON.stringify(result);
    return { result };
  } catch (err) {
    box.textContent += "\\n→ failed: " + describe(err);
    return { error: describe(err) };
  }
}

function watch(c) {
  // Every connected brings a session event, which shows the session; the states in between show here.
  c.on("state", (s) => {
    if (c !== client) return;
    if (s.state === "connecting") setStatus("connecting…", s.state);
    else if (s.state === "reconnecting") setStatus("connection lost; reconnecting (attempt " + s.attempt + ")…", s.state);
    else if (s.state === "closed") setStatus("disconnected", s.state);
  });
  c.on("session", (s) => {
    if (c !== client) return;
    setStatus("session " + short(s.sessionId) + (s.resumed ? " (resumed)" : ""), "open", s.sessionId);
    if (s.previous) add("notice", "Session " + short(s.previous) + " could not be continued; this is a new session.");
  });
  c.on("error", (err) => {
    if (c === client) add("error", describe(err));
  });
}

async function start() {
  const [namespace, name] = agentSelect.value.split("/");
  const c = new OmniaClient({ url: "/ws", agent: name, namespace, onToolCall });
  client = c;
  watch(c);
  try {
    await c.connect();
  } catch (err) {
    if (c !== client) return;
    add("error", describe(err) + "; trying again in 2 s");
    setTimeout(() => { if (c === client) start(); }, 2000);
  }
}

// A new session (or another agent): hang up the current one and start afresh.
function restart() {
  const old = client;
  client = null;
  turn = null;
  answerEl = null;
  log.replaceChildren();
  if (old) old.close();
  start();
}

document.getElementById("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = input.value.trim();
  const c = client;
  if (!text || !c) return;
  if (turn) { add("error", "wait for the answer before sending another message"); return; }
  add("user", text);
  input.value = "";
  answerEl = null;
  // Message metadata reaches the runtime: prompt variables, or mock_scenario for the mock provider.
  const metadata = parseMetadata(metadataInput.value);
  const current = c.send(text, metadata ? { metadata } : {});
  turn = current;
  current.onChunk((chunk) => {
    if (!answerEl) answerEl = add("assistant", "");
    answerEl.textContent += chunk;
    log.scrollTop = log.scrollHeight;
  });
  try {
    const done = await current.done;
    if (c !== client) return;
    if (!answerEl) answerEl = add("assistant", done.content);
    else answerEl.textContent = done.content || answerEl.textContent;
    answerEl.dataset.done = "true";
    if (done.usage) {
      const cost = done.usage.cost_usd > 0 ? " · $" + done.usage.cost_usd.toFixed(6) : "";
      add("usage", done.usage.input_tokens + " in / " + done.usage.output_tokens + " out tokens" + cost);
    }
  } catch (err) {
    if (c === client) add("error", describe(err));
  } finally {
    if (turn === current) { turn = null; answerEl = null; }
  }
});
document.getElementById("new").addEventListener("click", restart);

const { agents } = await (await fetch("/api/agents")).json();
for (const a of agents) {
  const opt = document.createElement("option");
  opt.value = a.namespace + "/" + a.name;
  opt.textContent = a.name + (a.namespace === "default" ? "" : " (" + a.namespace + ")");
  agentSelect.appendChild(opt);
}
const wanted = new URLSearchParams(location.search).get("agent");
if (wanted) agentSelect.value = [...agentSelect.options].find((o) => o.value.endsWith("/" + wanted))?.value ?? agentSelect.value;
agentSelect.addEventListener("change", restart);
start();
</script>
</body>
</html>
`;
