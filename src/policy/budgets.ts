// Budgets: spend limits that end a job with BUDGET_EXCEEDED (exit 81) however healthy it looks.
import type { PolicyConfig } from './config.ts';
import type { Trip } from './rules.ts';
import { formatDuration } from '../util/duration.ts';

export interface Usage {
  /** Restarts done since the last resume (persisted); the budget is used up when it reaches the limit. */
  restarts: number;
  /** Cost reported by the child since the last resume (persisted). */
  cost: number;
  /** Wall time of this run of the wrapper. */
  runtimeMs: number;
}

const trip = (what: string, limit: string, used: string): Trip => ({
  reason: 'BUDGET_EXCEEDED',
  rule: `max-${what} ${limit}`,
  message: `${what} budget exceeded: used ${used} of ${limit}`,
});

export function checkBudgets(u: Usage, cfg: Pick<PolicyConfig, 'maxRestarts' | 'maxCost' | 'maxRuntimeMs'>): Trip | null {
  if (cfg.maxCost > 0 && u.cost >= cfg.maxCost) return trip('cost', String(cfg.maxCost), String(u.cost));
  if (cfg.maxRuntimeMs > 0 && u.runtimeMs >= cfg.maxRuntimeMs)
    return trip('runtime', formatDuration(cfg.maxRuntimeMs), formatDuration(u.runtimeMs));
  if (cfg.maxRestarts > 0 && u.restarts >= cfg.maxRestarts) return trip('restarts', String(cfg.maxRestarts), String(u.restarts));
  return null;
}
