// Every file name of the state directory, in one place.
import path from 'node:path';

export const FILES = {
  state: 'state.json',
  heartbeat: 'heartbeat.json',
  stopReason: 'stop-reason.json',
  inflight: 'inflight.json',
  events: 'events.jsonl',
  stop: '.stop',
  pause: '.pause',
  resume: '.resume',
  resumeClaimed: '.resume.claimed',
  childHeartbeat: 'child-heartbeat.json',
  childPulse: 'child.heartbeat',
  lock: 'run.lock',
  lockOwner: 'lock-owner.json',
  items: 'items',
  itemsConfig: 'items-config.json',
  metricsDefault: 'metrics.prom',
  metricsTarget: 'metrics-target.json',
} as const;

export type FileKey = keyof typeof FILES;

export const filePath = (stateDir: string, key: FileKey): string => path.join(stateDir, FILES[key]);
