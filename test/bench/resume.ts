// Resume phase: sessions that lose their socket in the middle of a turn and reconnect at once with
// `?resume=<session_id>&after_seq=<last seq seen>`. Each session connects, sends one message, reads
// k turn frames (k seeded, 1 .. frames per turn - 1), terminates its socket (no close handshake,
// as a dropped network would), and reconnects at once. Measured from the reconnect's start: until
// `connected`, and until the first replayed turn frame. Every resumed turn is checked: the frames
// seen before the cut plus those after it have consecutive seqs, none twice, one turn_id, end in
// `done`, and their chunks assemble to the `done` content. One round of unmeasured resumes first.
import WebSocket from "ws";
import { seededRandom } from "../helpers/seeded-random.js";
import { cpuCoresBetween, readCpu } from "./proc-status.js";
import { summarize, type Summary } from "./stats.js";
import { FRAMES_PER_TURN, MESSAGE_CONTENT } from "./workload.js";

export interface ResumeOptions {
  url: string;
  sessions: number;
  /** Sessions in flight at a time. */
  concurrency: number;
  seed: number;
  connectTimeoutMs: number;
  turnTimeoutMs: number;
  /** Processes whose CPU use over the phase is reported. */
  processes: Array<{ name: string; pid: number }>;
}

export interface ResumeResult {
  sessions: number;
  /** Resumes whose turn passed every check. */
  ok: number;
  /** Unmeasured resumes run first (JIT, first Redis connections), as many as run at a time. */
  warmupSessions: number;
  /** For comparison: the first connection's open -> `connected` (a new session), same conditions. */
  newSessionConnectedMs: Summary;
  /** Reconnect start -> `connected` (resumed) received. */
  connectedMs: Summary;
  /** Reconnect start -> first turn frame after `connected`. */
  firstFrameMs: Summary;
  /** Turn frames the client read before cutting its socket (k). */
  cutAfterFrames: Summary;
  /** Turn frames received after the reconnect, in all. */
  replayedFrames: number;
  /**
   * From the frames' own timestamps (the facade's clock, the bench's too: one machine, ms
   * resolution). `endedBeforeReconnect`: `done` was built before the reconnect started, so the
   * turn was over and the resume replayed the journal only. `liveFollows`: `done` was built in a
   * later millisecond than the resumed `connected`, so it cannot have been in the journal read that
   * `connected` waited for: the client followed the running turn. Resumes in neither (same
   * millisecond) are not classified.
   */
  endedBeforeReconnect: number;
  liveFollows: number;
  failures: number;
  failureReasons: Record<string, number>;
  seconds: number;
  cpuCores: Record<string, number>;
}

interface TurnFrame {
  type: string;
  seq: number;
  turn_id: string;
  content?: string;
  timestamp?: string;
  error?: { code?: string };
}

type Outcome =
  | { ok: true; newSessionConnectedMs: number; connectedMs: number; firstFrameMs: number; replayed: number; endedBeforeReconnect: boolean; liveFollow: boolean }
  | { ok: false; reason: string };

class Failure extends Error {}

export async function runResume(o: ResumeOptions): Promise<ResumeResult> {
  const random = seededRandom(o.seed);
  // 1 .. FRAMES_PER_TURN - 1: the cut always falls inside the turn, never after its `done`.
  const draw = (n: number) => Array.from({ length: n }, () => 1 + Math.floor(random() * (FRAMES_PER_TURN - 1)));
  const warmupCuts = draw(o.concurrency);
  const cuts = draw(o.sessions);
  const runAll = async (ks: number[]): Promise<Outcome[]> => {
    const out: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < ks.length) {
        const k = ks[next++] ?? 1;
        out.push(await resumeOne(o, k).catch((err: unknown) => ({ ok: false as const, reason: err instanceof Error ? err.message : String(err) })));
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, ks.length) }, worker));
    return out;
  };
  await runAll(warmupCuts);
  const cpuBefore = readCpu(o.processes);
  const start = performance.now();
  const outcomes = await runAll(cuts);
  const seconds = (performance.now() - start) / 1000;
  const cpuAfter = readCpu(o.processes);

  const reasons = new Map<string, number>();
  const newSession: number[] = [];
  const connected: number[] = [];
  const firstFrame: number[] = [];
  let replayed = 0;
  let endedBefore = 0;
  let live = 0;
  for (const out of outcomes) {
    if (!out.ok) {
      reasons.set(out.reason, (reasons.get(out.reason) ?? 0) + 1);
      continue;
    }
    newSession.push(out.newSessionConnectedMs);
    connected.push(out.connectedMs);
    firstFrame.push(out.firstFrameMs);
    replayed += out.replayed;
    if (out.endedBeforeReconnect) endedBefore++;
    if (out.liveFollow) live++;
  }
  return {
    sessions: outcomes.length,
    ok: connected.length,
    warmupSessions: warmupCuts.length,
    newSessionConnectedMs: summarize(newSession),
    connectedMs: summarize(connected),
    firstFrameMs: summarize(firstFrame),
    cutAfterFrames: summarize(cuts),
    replayedFrames: replayed,
    endedBeforeReconnect: endedBefore,
    liveFollows: live,
    failures: outcomes.length - connected.length,
    failureReasons: Object.fromEntries(reasons),
    seconds,
    cpuCores: cpuCoresBetween(cpuBefore, cpuAfter, seconds),
  };
}

/** One session: connect, start a turn, cut after k turn frames, resume, check the turn. */
async function resumeOne(o: ResumeOptions, k: number): Promise<Outcome> {
  // The socket is cut from inside the k-th frame's handler: frames that arrived with it are never
  // seen, as for a client whose network dropped right there.
  const openStart = performance.now();
  const first = new Conn(o.url, k);
  let seen: TurnFrame[];
  let sessionId: string;
  let newSessionConnectedMs: number;
  try {
    const opened = await first.connected(o.connectTimeoutMs);
    sessionId = opened.sessionId;
    newSessionConnectedMs = opened.at - openStart;
    first.send(JSON.stringify({ type: "message", session_id: sessionId, content: MESSAGE_CONTENT }));
    await first.until(() => first.cut || first.turnEnded, o.turnTimeoutMs, "before the cut");
    seen = first.turnFrames().map((r) => r.frame);
    if (seen.length !== k || seen.some((f) => f.type !== "chunk")) throw new Failure("the turn ended before the cut");
  } finally {
    first.terminate();
  }
  const afterSeq = seen[seen.length - 1]?.seq ?? 0;
  const resumeUrl = new URL(o.url);
  resumeUrl.searchParams.set("resume", sessionId);
  resumeUrl.searchParams.set("after_seq", String(afterSeq));

  const reconnectWallMs = Date.now();
  const reconnectStart = performance.now();
  const second = new Conn(resumeUrl.toString());
  try {
    const connected = await second.connected(o.connectTimeoutMs);
    if (connected.sessionId !== sessionId) throw new Failure("resume gave another session");
    if (!connected.resumed) throw new Failure("connected without resumed: true");
    await second.until(() => second.turnEnded, o.turnTimeoutMs, "resumed turn");
    const rest = second.turnFrames();
    const firstAt = rest[0]?.at;
    if (firstAt === undefined) throw new Failure("no turn frame after the resume");
    checkTurn([...seen, ...rest.map((r) => r.frame)], afterSeq);
    const done = rest[rest.length - 1]?.frame;
    const doneMs = done?.timestamp ? Date.parse(done.timestamp) : Number.NaN;
    return {
      ok: true,
      newSessionConnectedMs,
      connectedMs: connected.at - reconnectStart,
      firstFrameMs: firstAt - reconnectStart,
      replayed: rest.length,
      endedBeforeReconnect: doneMs < reconnectWallMs,
      liveFollow: doneMs > connected.timestampMs,
    };
  } finally {
    second.close();
  }
}

/** Seqs consecutive from the first frame, the cut at afterSeq, one turn_id, ends in done, text = done content. */
function checkTurn(frames: TurnFrame[], afterSeq: number): void {
  const turnId = frames[0]?.turn_id;
  const seqs = new Set<number>();
  let text = "";
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i] as TurnFrame;
    const prev = frames[i - 1];
    if (seqs.has(f.seq)) throw new Failure("a seq twice");
    seqs.add(f.seq);
    if (prev && f.seq !== prev.seq + 1) throw new Failure(prev.seq === afterSeq ? "replay does not start after after_seq" : "seqs not consecutive");
    if (f.turn_id !== turnId) throw new Failure("turn_id changed within the turn");
    if (f.type === "chunk") text += f.content ?? "";
    else if (f.type === "done") {
      if (i !== frames.length - 1) throw new Failure("frames after done");
      if (text !== (f.content ?? "")) throw new Failure("assembled text differs from done content");
      return;
    } else if (f.type === "error") throw new Failure(`turn error: ${f.error?.code ?? "?"}`);
  }
  throw new Failure("turn without done");
}

interface Received {
  frame: TurnFrame;
  /** performance.now() on arrival. */
  at: number;
}

interface Connected {
  sessionId: string;
  resumed: boolean;
  /** performance.now() when `connected` arrived, and the frame's own timestamp (ms since epoch). */
  at: number;
  timestampMs: number;
}

type ServerFrame = Partial<TurnFrame> & {
  type?: string;
  session_id?: string;
  timestamp?: string;
  connected?: { resumed?: boolean };
  error?: { code?: string };
};

/**
 * One client socket recording every frame from the start: ws delivers the frames of one TCP read
 * in one go, so a handler attached after `connected` would miss the replay that came with it.
 */
class Conn {
  cut = false;
  turnEnded = false;
  private readonly socket: WebSocket;
  private readonly frames: Received[] = [];
  private connectedFrame: Connected | null = null;
  private problem: string | null = null;
  private wake: (() => void) | null = null;
  private turnCount = 0;

  /** cutAfter: terminate the socket as the cutAfter-th turn frame arrives. */
  constructor(url: string, private readonly cutAfter = Number.POSITIVE_INFINITY) {
    this.socket = new WebSocket(url, { perMessageDeflate: false });
    this.socket.on("error", () => undefined); // the close that follows says it
    this.socket.on("unexpected-response", (_req, res) => this.fail(`upgrade refused: HTTP ${res.statusCode ?? 0}`));
    this.socket.on("close", () => this.fail(this.connectedFrame ? "socket closed" : "closed before connected"));
    this.socket.on("message", (data) => this.receive(String(data)));
  }

  async connected(timeoutMs: number): Promise<Connected> {
    await this.until(() => this.connectedFrame !== null, timeoutMs, "connect");
    return this.connectedFrame as Connected;
  }

  /** Resolves once done() holds; rejects on a failure (close, error frame) or after timeoutMs. */
  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (this.problem !== null) throw new Failure(`${what}: ${this.problem}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Failure(`${what}: no end in time`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  turnFrames(): Received[] {
    return this.frames;
  }

  send(text: string): void {
    this.socket.send(text);
  }

  terminate(): void {
    this.socket.removeAllListeners("message");
    this.socket.terminate();
  }

  /** Polite close, hard after a grace period; nobody waits for it. */
  close(): void {
    this.socket.removeAllListeners("message");
    const timer = setTimeout(() => this.socket.terminate(), 2_000);
    this.socket.once("close", () => clearTimeout(timer));
    this.socket.close(1000, "bench done");
  }

  private receive(text: string): void {
    if (this.cut) return;
    const at = performance.now();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      return this.fail("bad frame");
    }
    if (frame.type === "connected" && this.connectedFrame === null && typeof frame.session_id === "string") {
      this.connectedFrame = {
        sessionId: frame.session_id,
        resumed: frame.connected?.resumed === true,
        at,
        timestampMs: frame.timestamp ? Date.parse(frame.timestamp) : Number.NaN,
      };
    } else if (typeof frame.seq === "number") {
      this.frames.push({ frame: frame as TurnFrame, at });
      if (frame.type === "done" || frame.type === "error") this.turnEnded = true;
      if (++this.turnCount >= this.cutAfter) {
        this.cut = true;
        this.terminate(); // right here: nothing after this frame is seen
      }
    } else if (frame.type === "error") {
      return this.fail(`error ${frame.error?.code ?? "?"}`);
    }
    this.wake?.();
  }

  private fail(why: string): void {
    if (this.cut || this.problem !== null) return;
    this.problem = why;
    this.wake?.();
  }
}
