// A typed set of listeners per event name: the smallest thing that works the same in browsers,
// Workers and Node (no EventEmitter, no EventTarget subclassing).
import { reportListenerError } from "./report-listener-error.js";

type ListenerSets<Events> = { [K in keyof Events]?: Set<(value: Events[K]) => void> };

export class Listeners<Events extends object> {
  readonly #sets: ListenerSets<Events> = {};

  on<K extends keyof Events>(event: K, listener: (value: Events[K]) => void): () => void {
    const set = this.#sets[event] ?? new Set<(value: Events[K]) => void>();
    this.#sets[event] = set;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const set = this.#sets[event];
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(value);
      } catch (err) {
        reportListenerError(err);
      }
    }
  }
}
