// `npm start` and `npm run start:edge` as a user runs them: the entry script, its start-up line,
// a session through it, and the refusal of bad manifests.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { freePort } from "../helpers/free-port.js";
import { ProtocolClient } from "../helpers/protocol-client.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "omnia-local-"));
  dirs.push(dir);
  return dir;
}

/** Runs an entry script (default deploy/local/start.ts) until `until` matches its output or it exits. */
function runStart(env: Record<string, string>, until: RegExp, timeoutMs = 30_000, entry = "deploy/local/start.ts", args: string[] = []) {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", OMNIA_STATE_DIR: tempDir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const matched = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out; output so far:\n${output}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (until.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { child, exited, matched, output: () => output };
}

/** A copy of deploy/examples with one of its files edited. */
function editedExamples(file: string, edit: (text: string) => string): string {
  const dir = tempDir();
  cpSync(join(REPO_ROOT, "deploy/examples"), dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), "utf8")));
  return dir;
}

/** One user turn through the WebSocket: it must end with `done`. */
async function chatOnce(url: string): Promise<void> {
  const client = await ProtocolClient.connect(url);
  const hello = await client.next("connected");
  client.send({ type: "message", session_id: hello.session_id, content: "hi" });
  expect((await client.turn()).end.type).toBe("done");
  client.close();
}

describe("local mode (npm start)", () => {
  it("starts the example agents, prints the URL, serves a session, and stops on SIGINT", async () => {
    const port = await freePort();
    const run = runStart({ PORT: String(port) }, /Press Ctrl-C to stop/);
    await run.matched;
    expect(run.output()).toContain(`Omnia is running: open http://127.0.0.1:${port}/`);
    expect(run.output()).toContain("default/assistant");
    await chatOnce(`ws://127.0.0.1:${port}/ws?agent=assistant`);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toContain("<title>Omnia chat</title>");
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
  });

  it("refuses a bad manifest, naming the file, the object and the field", async () => {
    const dir = editedExamples("agentruntime-assistant.yaml", (text) => text.replace("port: 8080", "port: eighty"));
    const run = runStart({ PORT: String(await freePort()), OMNIA_MANIFESTS: dir }, /cannot start/);
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/agentruntime-assistant\.yaml: AgentRuntime default\/assistant: spec\.facades\[0\]\.port: /);
  });

  it("refuses a PromptPack the PromptPack schema rejects, with the schema's error", async () => {
    const dir = editedExamples("promptpack-assistant.yaml", (text) => text.replace('"system_template"', '"system_templat"'));
    const run = runStart({ PORT: String(await freePort()), OMNIA_MANIFESTS: dir }, /cannot start/);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("promptpack-assistant.yaml");
    expect(run.output()).toMatch(/system_template/);
  });
});

/** Every example manifest in one multi-document file, with the AgentRuntime renamed to `agent`. */
function examplesAsOneFile(dir: string, agent: string): string {
  const examples = join(REPO_ROOT, "deploy/examples");
  const texts = readdirSync(examples)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => readFileSync(join(examples, name), "utf8"));
  const file = join(dir, "my-agent.yaml");
  writeFileSync(file, texts.join("\n---\n").replace(/kind: AgentRuntime\nmetadata:\n  name: assistant/, `kind: AgentRuntime\nmetadata:\n  name: ${agent}`));
  return file;
}

describe("local mode with your own manifests (npm start -- -f)", () => {
  it("runs the one file given, not the folder it sits in, and serves a session", async () => {
    const dir = tempDir();
    const file = examplesAsOneFile(dir, "solo");
    writeFileSync(join(dir, "unrelated.yaml"), "this: [is not a manifest");
    const port = await freePort();
    const run = runStart({ PORT: String(port) }, /Press Ctrl-C to stop/, 30_000, undefined, ["-f", file]);
    await run.matched;
    expect(run.output()).toContain("agents: default/solo");
    await chatOnce(`ws://127.0.0.1:${port}/ws?agent=solo`);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
  });

  it("runs a folder given with -f", async () => {
    const dir = editedExamples("agentruntime-assistant.yaml", (text) => text.replace("  name: assistant\n  namespace: default", "  name: team\n  namespace: default"));
    const run = runStart({ PORT: String(await freePort()) }, /Press Ctrl-C to stop/, 30_000, undefined, ["-f", dir]);
    await run.matched;
    expect(run.output()).toContain("agents: default/team");
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
  });

  it("refuses a bad manifest in the file, naming the user's file, the object and the field", async () => {
    const file = examplesAsOneFile(tempDir(), "solo");
    writeFileSync(file, readFileSync(file, "utf8").replace("port: 8080", "port: eighty"));
    const run = runStart({ PORT: String(await freePort()) }, /cannot start/, 30_000, undefined, ["-f", file]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`${file}: AgentRuntime default/solo: spec.facades[0].port: `);
  });

  it.each([
    [["-f", "/nonexistent/agents.yaml"], "/nonexistent/agents.yaml: no such manifest file or folder"],
    [["-f"], "argument missing"],
    [["-f", "README.md"], "README.md: a manifest file must end in .yaml, .yml or .json"],
    [["--frobnicate"], "usage: npm start -- [-f <manifest file or folder>]"],
  ])("refuses %j with a message saying what is wrong", async (args, message) => {
    const run = runStart({ PORT: String(await freePort()) }, /cannot start/, 30_000, undefined, args);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`omnia: cannot start: `);
    expect(run.output()).toContain(message);
  });
});

describe("edge mode (npm run start:edge)", () => {
  it("runs the facade in workerd beside the example runtime, prints the URL, serves a session and the chat page, and stops on SIGINT", async () => {
    const port = await freePort();
    const run = runStart({ PORT: String(port) }, /Press Ctrl-C to stop/, 60_000, "deploy/edge/start-edge.ts");
    await run.matched;
    expect(run.output()).toContain(`Omnia (edge) is running: open http://127.0.0.1:${port}/`);
    expect(run.output()).toMatch(/Worker bundle \d+ KiB, \d+ KiB gzipped/);
    await chatOnce(`ws://127.0.0.1:${port}/ws`);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain("<title>Omnia chat</title>");
    expect((await fetch(`http://127.0.0.1:${port}/omnia-client.js`)).headers.get("content-type")).toContain("javascript");
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
  }, 90_000);
});
