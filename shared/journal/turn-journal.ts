// The turn journal: every frame a turn sends to the client, kept with its `seq` in the session
// store before it is sent, so a client that lost its socket can resume on any facade replica or
// placement (PROTOCOL.md "Resume"). Bounded: the running turn plus the last completed one.
//
// One writer per turn, fenced: `begin` makes the caller the turn's owner and gives it a lease
// that appends and `renew` keep alive. The runtime `claim`s a turn whose facade died and writes
// the rest of it; a follower `claim`s a turn whose lease expired to end it with an error. An
// append by anyone who is no longer the owner is refused, so two writers never interleave.
// Backends: memory-turn-journal.ts (one process), redis-turn-journal.ts (shared).

/** One journaled frame: its seq and the exact JSON text the client receives. */
export interface JournalEntry {
  seq: number;
  frame: string;
  /** The turn's `done` or turn-ending `error`. */
  end: boolean;
}

export interface TurnStatus {
  turnId: string;
  owner: string;
  running: boolean;
  /** The owner's lease has not expired; meaningless once the turn ended. */
  leaseAlive: boolean;
  /** Seq of the turn's first frame (frames of the previous turn come before it). */
  startSeq: number;
  /** Seq of the last journaled frame of the session (0 when none yet). */
  lastSeq: number;
  /** How many runtime events the journaled frames account for (a takeover replays the rest). */
  events: number;
}

export interface JournalSnapshot {
  /** Frames with a greater seq than asked for, in order. */
  entries: JournalEntry[];
  /** The latest turn of the session; null when the session has no journal. */
  turn: TurnStatus | null;
}

export type BeginResult =
  | { ok: true; lastSeq: number }
  /** Another turn is running; when its lease has expired the caller may end it (abandon-turn.ts) and begin again. */
  | { ok: false; running: TurnStatus };

export type AppendResult = "ok" | "not_owner";

export interface TurnJournal {
  readonly leaseMs: number;
  /** Starts a turn owned by `owner`: trims frames older than the previous turn; refused while another turn runs. */
  begin(sessionId: string, turnId: string, owner: string): Promise<BeginResult>;
  /**
   * Appends frames of the owner's turn; their seqs must follow the journal's last one. `events` is
   * the number of runtime events they account for. An `end` frame closes the turn and its lease.
   */
  append(sessionId: string, turnId: string, owner: string, entries: JournalEntry[], events: number): Promise<AppendResult>;
  /** Extends the owner's lease; false when it no longer owns a running turn. */
  renew(sessionId: string, turnId: string, owner: string): Promise<boolean>;
  /**
   * Makes `owner` the owner of the running turn `turnId` (when `onlyIfExpired`, only when its
   * lease has expired); null when that turn is not running (or its lease is alive).
   */
  claim(sessionId: string, turnId: string, owner: string, onlyIfExpired: boolean): Promise<TurnStatus | null>;
  /** Frames after `afterSeq` (null: from the start of the latest turn) and the latest turn's status; one round trip. */
  read(sessionId: string, afterSeq: number | null): Promise<JournalSnapshot>;
  /** Frames after `afterSeq` as soon as there are any, or [] after `timeoutMs`. */
  wait(sessionId: string, afterSeq: number, timeoutMs: number): Promise<JournalEntry[]>;
  close(): Promise<void>;
}

export class JournalUnavailableError extends Error {
  override readonly name = "JournalUnavailableError";
}

/** Whether the journal holds everything a client that saw `afterSeq` needs (frames before the retained ones are gone). */
export function hasGap(snapshot: JournalSnapshot, afterSeq: number): boolean {
  const first = snapshot.entries[0];
  return first !== undefined && first.seq > afterSeq + 1;
}
