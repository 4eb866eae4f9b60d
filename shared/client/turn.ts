// One turn as the application sees it: the streamed text (an async iterable of chunk texts, or a
// chunk callback) and `done`, which settles exactly once with the final answer or an OmniaTurnError.
// The client drives it through the TurnControl handed out at construction, so nothing outside the
// client can push text into a turn.
import type { ContentPart } from "../protocol/content-part.js";
import type { Usage } from "../protocol/server-frames.js";
import type { OmniaTurnError } from "./omnia-error.js";
import { reportListenerError } from "./report-listener-error.js";

export interface DoneInfo {
  /** The final answer text. */
  content: string;
  parts?: ContentPart[];
  usage?: Usage;
  turnId: string;
}

export interface TurnControl {
  bind(turnId: string): void;
  chunk(text: string): void;
  finish(info: DoneInfo): void;
  fail(error: OmniaTurnError): void;
}

export class Turn implements AsyncIterable<string> {
  /** Resolves with the done frame's answer; rejects with an OmniaTurnError. */
  readonly done: Promise<DoneInfo>;
  #turnId: string | undefined;
  readonly #chunks: string[] = [];
  #settled = false;
  #error: OmniaTurnError | undefined;
  #wakers: Array<() => void> = [];
  readonly #listeners = new Set<(text: string) => void>();

  constructor(controlled: (control: TurnControl) => void) {
    let resolveDone: (info: DoneInfo) => void = () => {};
    let rejectDone: (error: OmniaTurnError) => void = () => {};
    this.done = new Promise<DoneInfo>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    // A caller that only iterates still sees the error (the iterator throws it); the rejection of
    // an unobserved `done` must not become an unhandled rejection.
    this.done.catch(() => {});
    const settle = (error?: OmniaTurnError) => {
      this.#settled = true;
      this.#error = error;
      this.#wake();
    };
    controlled({
      bind: (turnId) => {
        this.#turnId ??= turnId;
      },
      chunk: (text) => {
        if (this.#settled || text === "") return;
        this.#chunks.push(text);
        for (const listener of this.#listeners) {
          try {
            listener(text);
          } catch (err) {
            reportListenerError(err);
          }
        }
        this.#wake();
      },
      finish: (info) => {
        if (this.#settled) return;
        this.#turnId ??= info.turnId;
        settle();
        resolveDone(info);
      },
      fail: (error) => {
        if (this.#settled) return;
        if (error.turnId !== undefined) this.#turnId ??= error.turnId;
        settle(error);
        rejectDone(error);
      },
    });
  }

  /** The turn's id, once the server's first frame for it has arrived. */
  get turnId(): string | undefined {
    return this.#turnId;
  }

  /** The text streamed so far. */
  get text(): string {
    return this.#chunks.join("");
  }

  /** Whether `done` has settled. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Calls `listener` with each chunk text from now on; returns the function that stops it. */
  onChunk(listener: (text: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every chunk text of the turn from its start, each once; throws the turn's error at the end. */
  async *[Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
    let next = 0;
    for (;;) {
      while (next < this.#chunks.length) yield this.#chunks[next++] as string;
      if (this.#settled) {
        if (this.#error) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => this.#wakers.push(resolve));
    }
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }
}
