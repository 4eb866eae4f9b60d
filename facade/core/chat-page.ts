// The chat page served at `/`: no framework, no build step of its own. It talks protocol v1 through
// the same client any application uses (shared/client, served bundled at /omnia-client.js), so
// streaming, client-side tools, reconnecting and resuming behave here as they do there.
// Files attach by button or drag and drop and upload through the media HTTP API straight to the
// store, with a progress bar and a thumbnail; a refused file says why.
// Client-side tools ask the user before they run. An agent with auth asks for an API key, kept in
// sessionStorage for this tab only; the key buys one-use tickets (POST /ws/ticket) and only a
// ticket goes into a WebSocket URL, a fresh one for every reconnect.
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
  [hidden] { display: none !important; }
  #attachments { display: flex; flex-wrap: wrap; gap: .5rem; padding: 0 1rem; }
  .attachment { display: flex; gap: .4rem; align-items: center; font-size: .8rem; border: 1px solid #8886; border-radius: .4rem; padding: .3rem .5rem; }
  .attachment img, .msg img { max-width: 4rem; max-height: 4rem; border-radius: .3rem; }
  .attachment[data-state=refused] { background: #dc262622; }
  .attachment progress { width: 6rem; }
  body.dropping #log { outline: 2px dashed #2563eb; outline-offset: -6px; }
  .msg a { display: block; font-size: .8rem; }
</style>
</head>
<body>
<header>
  <h1>Omnia</h1>
  <label>Agent <select id="agent"></select></label>
  <button id="new" type="button">New session</button>
  <form id="auth" hidden>
    <input id="key" type="password" autocomplete="off" placeholder="API key for this agent" aria-label="API key">
    <button id="use-key" type="submit">Connect</button>
  </form>
  <span id="status">connecting…</span>
</header>
<main id="log" aria-live="polite"></main>
<div id="attachments" aria-live="polite"></div>
<form id="form">
  <input id="file" type="file" multiple hidden>
  <button id="attach" type="button" title="Attach files (or drop them on the conversation)">Attach</button>
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
const authForm = document.getElementById("auth");
const keyInput = document.getElementById("key");
let client = null;
let tickets = null;
let turn = null;
let answerEl = null;
const agentAuth = new Map();
const keyName = (agent) => "omnia-key:" + agent;
// Tickets live 60 s; an older one held for a reconnect is not used (the attempt fails without a
// credential, costing nothing, and the next one has a fresh ticket).
const TICKET_USABLE_MS = 50_000;

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

// One-use tickets bought with the tab's key: one is held ready, so a reconnect (which opens its
// socket at once) finds one; \`take\` puts it in the URL and buys the next.
function ticketSource(namespace, name, key, onRefused) {
  let held = null;
  let stopped = false;
  async function buy() {
    const res = await fetch("/ws/ticket?" + new URLSearchParams({ agent: name, namespace }), { method: "POST", headers: { authorization: "Bearer " + key } });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error((body.error && body.error.message) || "HTTP " + res.status), { code: (body.error && body.error.code) || "UNAUTHORIZED", status: res.status });
    return body.ticket;
  }
  function refill() {
    return buy().then(
      (ticket) => {
        if (!stopped) held = { ticket, at: Date.now() };
      },
      (err) => {
        held = null;
        if (!stopped && err.status === 401) onRefused(err);
        throw err;
      },
    );
  }
  return {
    ready: refill,
    take(url) {
      const u = new URL(url, location.href);
      if (held && Date.now() - held.at < TICKET_USABLE_MS) u.searchParams.set("ticket", held.ticket);
      held = null;
      if (!stopped) refill().catch(() => {});
      return u.toString();
    },
    stop() {
      stopped = true;
    },
  };
}

function askForKey(message) {
  authForm.hidden = false;
  keyInput.value = "";
  keyInput.focus();
  setStatus(message, "auth");
}

async function start() {
  const agent = agentSelect.value;
  const [namespace, name] = agent.split("/");
  let SocketClass = undefined;
  authForm.hidden = true;
  if (tickets) tickets.stop();
  tickets = null;
  if (agentAuth.get(agent) === "required") {
    const key = sessionStorage.getItem(keyName(agent));
    if (!key) return askForKey("this agent needs an API key");
    const refused = (err) => {
      sessionStorage.removeItem(keyName(agent));
      if (client) client.close();
      client = null;
      add("error", describe(err));
      askForKey("the key was refused; enter another");
    };
    const source = ticketSource(namespace, name, key, refused);
    tickets = source;
    try {
      await source.ready();
    } catch (err) {
      if (err.status !== 401) add("error", describe(err));
      return;
    }
    SocketClass = class extends WebSocket {
      constructor(url) {
        super(source.take(url));
      }
    };
  }
  const c = new OmniaClient({ url: "/ws", agent: name, namespace, onToolCall, ...(SocketClass ? { WebSocket: SocketClass } : {}) });
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
  // Uploads belong to the session they were made for.
  attachments = [];
  attachmentsEl.replaceChildren();
  if (old) old.close();
  start();
}

authForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const key = keyInput.value.trim();
  if (!key) return;
  // This tab only: gone when the tab closes, never sent anywhere but POST /ws/ticket.
  sessionStorage.setItem(keyName(agentSelect.value), key);
  keyInput.value = "";
  restart();
});

// Attachments: each file gets an upload URL from the facade (POST /media/request-upload), goes
// straight there with the method and headers it names (the facade's disk or the bucket), is
// confirmed, and is sent with the next message as a part naming its storage_ref.
const attachmentsEl = document.getElementById("attachments");
const fileInput = document.getElementById("file");
let attachments = [];
const partType = (mime) => (["image", "audio", "video"].find((t) => mime.startsWith(t + "/")) || "file");

// The media API names the agent; an agent with auth also gets the tab's key (never the page's URL).
function mediaQuery() {
  const [namespace, name] = agentSelect.value.split("/");
  return "?" + new URLSearchParams({ agent: name, namespace });
}
function mediaAuth() {
  const key = sessionStorage.getItem(keyName(agentSelect.value));
  return key ? { authorization: "Bearer " + key } : {};
}

async function mediaCall(path, body) {
  const res = await fetch(path + mediaQuery(), { method: "POST", headers: { "content-type": "application/json", ...mediaAuth() }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error((json.error && json.error.message) || "HTTP " + res.status), { status: res.status, reason: json.error && json.error.reason });
  return json;
}

function put(ticket, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method, ticket.url);
    for (const [name, value] of Object.entries(ticket.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => (xhr.status < 300 ? resolve() : reject(new Error("the store refused the upload (HTTP " + xhr.status + ")")));
    // A refused CORS preflight looks like this too: the bucket's CORS rule must allow this page's origin.
    xhr.onerror = () => reject(new Error("the upload could not reach the store (network or CORS: its rule must allow " + location.origin + ")"));
    xhr.send(file);
  });
}

async function attach(file) {
  const sessionId = client && client.sessionId;
  const item = { file, state: "uploading", el: document.createElement("div") };
  item.el.className = "attachment";
  item.el.dataset.state = "uploading";
  const label = document.createElement("span");
  label.textContent = file.name;
  const bar = document.createElement("progress");
  bar.max = 1;
  bar.value = 0;
  if (file.type.startsWith("image/")) {
    const thumb = document.createElement("img");
    thumb.alt = file.name;
    thumb.src = URL.createObjectURL(file);
    item.el.append(thumb);
  }
  const remove = document.createElement("button");
  remove.type = "button";
  remove.textContent = "×";
  remove.title = "Remove";
  remove.onclick = () => { attachments = attachments.filter((a) => a !== item); item.el.remove(); };
  item.el.append(label, bar, remove);
  attachmentsEl.appendChild(item.el);
  attachments.push(item);
  const settle = (state, text) => { item.state = state; item.el.dataset.state = state; if (text) label.textContent = text; };
  try {
    if (!sessionId) throw new Error("not connected yet");
    const ticket = await mediaCall("/media/request-upload", { session_id: sessionId, filename: file.name, mime_type: file.type || "application/octet-stream", size_bytes: file.size });
    await put(ticket, file, (fraction) => (bar.value = fraction));
    // The local backend confirms on its PUT; a bucket's upload is confirmed here (409: already was).
    await mediaCall("/media/confirm-upload/" + ticket.upload_id, { session_id: sessionId }).catch((err) => { if (err.status !== 409) throw err; });
    bar.value = 1;
    item.ticket = ticket;
    item.sessionId = sessionId;
    settle("ready");
  } catch (err) {
    bar.remove();
    settle("refused", file.name + ": " + describe(err));
  }
}

function attachAll(files) {
  for (const file of files) attach(file);
}

document.getElementById("attach").addEventListener("click", () => fileInput.click());
fileInput.addEventListener("change", () => { attachAll([...fileInput.files]); fileInput.value = ""; });
document.body.addEventListener("dragover", (e) => { e.preventDefault(); document.body.classList.add("dropping"); });
document.body.addEventListener("dragleave", (e) => { if (!e.relatedTarget) document.body.classList.remove("dropping"); });
document.body.addEventListener("drop", (e) => {
  e.preventDefault();
  document.body.classList.remove("dropping");
  if (e.dataTransfer && e.dataTransfer.files.length > 0) attachAll([...e.dataTransfer.files]);
});

// The user's bubble shows what went with the message, each with its download link.
function showSent(el, sent) {
  for (const item of sent) {
    const mediaId = item.ticket.storage_ref.split("/").pop();
    const link = document.createElement("a");
    link.href = "/media/download/" + encodeURIComponent(item.sessionId) + "/" + encodeURIComponent(mediaId) + mediaQuery();
    link.target = "_blank";
    const auth = mediaAuth();
    // A link cannot carry the key: with one, the page fetches the file and opens what came back.
    if (auth.authorization) {
      link.addEventListener("click", async (e) => {
        e.preventDefault();
        const res = await fetch(link.href, { headers: auth });
        if (!res.ok) { add("error", "download failed: HTTP " + res.status); return; }
        window.open(URL.createObjectURL(await res.blob()), "_blank");
      });
    }
    link.textContent = item.file.name;
    if (item.file.type.startsWith("image/")) {
      const img = document.createElement("img");
      img.alt = item.file.name;
      img.src = URL.createObjectURL(item.file);
      link.prepend(img);
    }
    el.appendChild(link);
  }
}

document.getElementById("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = input.value.trim();
  const c = client;
  const sent = attachments.filter((a) => a.state === "ready");
  if ((!text && sent.length === 0) || !c) return;
  if (turn) { add("error", "wait for the answer before sending another message"); return; }
  if (attachments.some((a) => a.state === "uploading")) { add("error", "wait for the uploads to finish before sending"); return; }
  showSent(add("user", text), sent);
  attachments = [];
  attachmentsEl.replaceChildren();
  input.value = "";
  answerEl = null;
  // Message metadata reaches the runtime: prompt variables, or mock_scenario for the mock provider.
  const metadata = parseMetadata(metadataInput.value);
  const parts = sent.length === 0 ? null : [
    ...(text ? [{ type: "text", text }] : []),
    ...sent.map((a) => ({ type: partType(a.ticket.headers["Content-Type"] || a.file.type), media: { storage_ref: a.ticket.storage_ref, mime_type: a.file.type || "application/octet-stream" } })),
  ];
  const current = c.send(text, { ...(metadata ? { metadata } : {}), ...(parts ? { parts } : {}) });
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
  agentAuth.set(a.namespace + "/" + a.name, a.auth);
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
