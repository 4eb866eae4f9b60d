// Limits and timeouts of the client protocol (PROTOCOL.md "Limits"); the entries parse them
// from OMNIA_* variables and hand them in.
export interface FacadeLimits {
  maxFrameBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  clientToolAckTimeoutMs: number;
  clientToolTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_LIMITS: FacadeLimits = {
  maxFrameBytes: 16 * 1024 * 1024,
  ratePerSecond: 50,
  rateBurst: 100,
  clientToolAckTimeoutMs: 5_000,
  clientToolTimeoutMs: 60_000,
  maxConnections: 20_000,
};
