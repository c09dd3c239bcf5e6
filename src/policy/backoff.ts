// Exponential backoff with jitter and a cap. `random` is injected so tests are exact.

export interface BackoffConfig {
  backoffInitialMs: number;
  backoffMaxMs: number;
  backoffFactor: number;
  backoffJitter: number;
}

/** Delay before restart number `attempt` (1 = first restart after a failure); never above the cap. */
export function backoffDelay(attempt: number, cfg: BackoffConfig, random: () => number): number {
  if (attempt <= 0 || cfg.backoffInitialMs <= 0) return 0;
  const exp = Math.min(attempt - 1, 1000);
  const base = Math.min(cfg.backoffMaxMs, cfg.backoffInitialMs * Math.pow(cfg.backoffFactor, exp));
  const spread = 1 + cfg.backoffJitter * (2 * random() - 1);
  const delay = Math.round(base * spread);
  return Math.max(0, Math.min(cfg.backoffMaxMs, delay));
}
