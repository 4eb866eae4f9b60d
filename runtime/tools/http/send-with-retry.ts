// The one HTTP call path of http and openapi tools: sends the request, retries what the handler's
// retryPolicy says is worth retrying (status codes, network errors), honours Retry-After, and stops
// when the call's signal aborts (the handler's timeout or the turn's cancellation).
import type { RetryPolicy } from "../../../shared/manifests/tool-registry.js";
import { pause, retryAfterMs, retrySchedule } from "../retry-schedule.js";

export interface HttpRequestPlan {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  text: string;
  attempts: number;
}

const DEFAULT_RETRY_ON = [408, 429, 500, 502, 503, 504];
// Only these carry a Retry-After worth obeying (RFC 9110 §10.2.3).
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** Resolves with the last answer (any status); rejects when the network fails past the policy or the signal aborts. */
export async function sendWithRetry(plan: HttpRequestPlan, policy: RetryPolicy | undefined, signal: AbortSignal): Promise<HttpAnswer> {
  const schedule = retrySchedule(policy);
  const retryOn = new Set((policy?.retryOn ?? DEFAULT_RETRY_ON).map(Number));
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= schedule.maxAttempts;
    let response: Response;
    try {
      response = await fetch(plan.url, {
        method: plan.method,
        headers: plan.headers,
        ...(plan.body !== undefined ? { body: plan.body } : {}),
        signal,
      });
    } catch (err) {
      if (signal.aborted || last || policy?.retryOnNetworkError === false) throw err;
      await pause(schedule.backoffMs(attempt), signal);
      continue;
    }
    const text = await response.text();
    if (last || !retryOn.has(response.status)) return { status: response.status, text, attempts: attempt };
    const serverWait = RETRY_AFTER_STATUSES.has(response.status) && policy?.respectRetryAfter !== false ? retryAfterMs(response.headers.get("retry-after")) : undefined;
    await pause(serverWait ?? schedule.backoffMs(attempt), signal);
  }
}
