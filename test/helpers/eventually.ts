// Retries an assertion until it passes or the time is up (a server coming back, a reconnect).

export async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000, pauseMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
