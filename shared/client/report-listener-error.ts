// An application callback that throws must not break the client's frame handling; its error is
// rethrown on its own task, where the host reports it as any uncaught error.
export function reportListenerError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
