// The chat page served at `/`: a plain client of protocol v1 (no build step, no framework), so
// what it does is what any client does. Client-side tools ask the user before they run.
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
const log = document.getElementById("log");
const input = document.getElementById("input");
const statusEl = document.getElementById("status");
const agentSelect = document.getElementById("agent");
let ws = null;
let sessionId = null;
let answerEl = null;
let busy = false;

function add(cls, text) {
  const el = document.createElement("div");
  el.className = "msg " + cls;
  el.textContent = text;
  log.appendChild(el);
  log.scrollTop = log.scrollHeight;
  return el;
}
function setStatus(text) { statusEl.textContent = text; }

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

function send(frame) { ws.send(JSON.stringify(frame)); }

async function onToolCall(call) {
  send({ type: "tool_call_ack", session_id: sessionId, tool_call_ack: { call_id: call.id } });
  const box = add("tool", "Tool call: " + call.name + " " + JSON.stringify(call.arguments));
  const handler = clientTools[call.name];
  if (!handler) {
    box.textContent += "\\n(this page cannot run it)";
    send({ type: "tool_call_nack", session_id: sessionId, tool_call_nack: { call_id: call.id, reason: "the chat page has no handler for " + call.name } });
    return;
  }
  const question = document.createElement("div");
  question.textContent = call.consent_message || ("Allow the agent to use " + call.name + "?");
  const allow = document.createElement("button");
  allow.textContent = "Allow";
  const deny = document.createElement("button");
  deny.textContent = "Deny";
  question.append(" ", allow, " ", deny);
  box.appendChild(question);
  const answer = (allowed) => new Promise((resolve) => {
    allow.onclick = () => resolve(true);
    deny.onclick = () => resolve(false);
  });
  const allowed = await answer();
  question.remove();
  if (!allowed) {
    box.textContent += "\\n→ denied";
    send({ type: "tool_result", session_id: sessionId, tool_result: { call_id: call.id, error: "the user denied " + call.name } });
    return;
  }
  try {
    const result = await handler(call.arguments);
    box.textContent += "\\n→ " + JSON.stringify(result);
    send({ type: "tool_result", session_id: sessionId, tool_result: { call_id: call.id, result } });
  } catch (err) {
    send({ type: "tool_result", session_id: sessionId, tool_result: { call_id: call.id, error: String(err) } });
  }
}

function onFrame(frame) {
  switch (frame.type) {
    case "connected":
      sessionId = frame.session_id;
      setStatus("session " + sessionId.slice(0, 8));
      break;
    case "chunk":
      if (!answerEl) answerEl = add("assistant", "");
      answerEl.textContent += frame.content || "";
      log.scrollTop = log.scrollHeight;
      break;
    case "tool_call":
      answerEl = null;
      onToolCall(frame.tool_call);
      break;
    case "done":
      if (!answerEl) answerEl = add("assistant", frame.content || "");
      else answerEl.textContent = frame.content || answerEl.textContent;
      answerEl.dataset.done = "true";
      if (frame.usage) add("usage", frame.usage.input_tokens + " in / " + frame.usage.output_tokens + " out tokens");
      answerEl = null;
      busy = false;
      break;
    case "error":
      add("error", frame.error.code + ": " + frame.error.message);
      if (frame.turn_id) { busy = false; answerEl = null; }
      break;
  }
}

function connect() {
  const agent = agentSelect.value;
  const [namespace, name] = agent.split("/");
  const url = new URL("/ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("agent", name);
  url.searchParams.set("namespace", namespace);
  ws = new WebSocket(url);
  const previous = sessionId;
  ws.onmessage = (e) => {
    const frame = JSON.parse(e.data);
    // On a reconnect keep the earlier session: the next message names it and continues it.
    if (frame.type === "connected" && previous && !frame.connected.resumed && !busy) {
      setStatus("session " + previous.slice(0, 8) + " (reconnected)");
      return;
    }
    onFrame(frame);
  };
  ws.onopen = () => setStatus(sessionId ? "session " + sessionId.slice(0, 8) : "connected");
  ws.onclose = () => {
    setStatus("disconnected; reconnecting…");
    if (busy) { busy = false; answerEl = null; add("error", "connection lost during the answer"); }
    setTimeout(connect, 1000);
  };
}

document.getElementById("form").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text || !ws || ws.readyState !== WebSocket.OPEN) return;
  if (busy) { add("error", "wait for the answer before sending another message"); return; }
  add("user", text);
  input.value = "";
  busy = true;
  answerEl = null;
  const frame = { type: "message", content: text };
  if (sessionId) frame.session_id = sessionId;
  // Message metadata reaches the runtime: prompt variables, or mock_scenario for the mock provider.
  const metadata = parseMetadata(document.getElementById("metadata").value);
  if (metadata) frame.metadata = metadata;
  send(frame);
});
document.getElementById("new").addEventListener("click", () => {
  sessionId = null;
  log.replaceChildren();
  if (ws) { ws.onclose = null; ws.close(); }
  connect();
});

const { agents } = await (await fetch("/api/agents")).json();
for (const a of agents) {
  const opt = document.createElement("option");
  opt.value = a.namespace + "/" + a.name;
  opt.textContent = a.name + (a.namespace === "default" ? "" : " (" + a.namespace + ")");
  agentSelect.appendChild(opt);
}
const wanted = new URLSearchParams(location.search).get("agent");
if (wanted) agentSelect.value = [...agentSelect.options].find((o) => o.value.endsWith("/" + wanted))?.value ?? agentSelect.value;
agentSelect.addEventListener("change", () => { sessionId = null; log.replaceChildren(); if (ws) { ws.onclose = null; ws.close(); } connect(); });
connect();
</script>
</body>
</html>
`;
