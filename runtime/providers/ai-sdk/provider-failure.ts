// Why a model call failed, in words an end user can act on, as a ProviderError. Never carries the
// key: credential refusals get a fixed message (OpenAI echoes part of the key in its 401 body), and
// other provider messages pass through a scrub of the key.
import { APICallError, RetryError } from "ai";
import { ProviderError } from "../language-model.js";

export interface FailureContext {
  /** The provider's name as users know it (e.g. "claude"). */
  provider: string;
  /** The key in use, to scrub from any message that is passed on. */
  apiKey?: string;
  /** A provider's own way of saying "bad key" beyond 401/403 (Gemini answers 400 API_KEY_INVALID). */
  refusesCredential?: (error: APICallError) => boolean;
}

export function providerFailure(error: unknown, context: FailureContext): ProviderError {
  if (RetryError.isInstance(error)) {
    const attempts = error.errors.length;
    const last = providerFailure(error.lastError, context);
    return new ProviderError(error.reason === "maxRetriesExceeded" ? `${last.message}; gave up after ${attempts} attempts` : last.message);
  }
  if (APICallError.isInstance(error)) return apiCallFailure(error, context);
  if (error instanceof ProviderError) return error;
  // Anything else arrives while the answer streams: the connection broke or the body was garbled.
  return brokeOff(error, context);
}

function brokeOff(error: unknown, context: FailureContext): ProviderError {
  return new ProviderError(`the ${context.provider} provider's stream broke off before the answer was complete (${scrub(messageOf(error), context.apiKey)})`);
}

function apiCallFailure(error: APICallError, context: FailureContext): ProviderError {
  const { provider } = context;
  const status = error.statusCode;
  if (status === undefined) {
    return new ProviderError(`cannot reach the ${provider} provider at ${originOf(error.url)} (${scrub(messageOf(error.cause ?? error), context.apiKey)})`);
  }
  // The SDK reports a body it could not read to the end (a connection cut mid-stream) on the 200.
  if (status < 300) return brokeOff(error.cause ?? error, context);
  if (status === 401 || status === 403 || context.refusesCredential?.(error)) {
    return new ProviderError(`the ${provider} provider refused the credential (HTTP ${status}); check the key the Provider's credential points at`);
  }
  if (status === 429) return new ProviderError(`the ${provider} provider is rate limiting requests (HTTP 429)`);
  if (status >= 500) return new ProviderError(`the ${provider} provider failed (HTTP ${status})`);
  return new ProviderError(`the ${provider} provider rejected the request (HTTP ${status}): ${scrub(error.message, context.apiKey)}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "its base URL";
  }
}

function scrub(text: string, apiKey: string | undefined): string {
  return apiKey ? text.replaceAll(apiKey, "[redacted]") : text;
}
