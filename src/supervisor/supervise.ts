// The job, supervised by the machine: its state from the job's memory and what is present, the
// runner with the real edges (src/supervisor/edges.ts), and the lock's events to start it. Every
// decision from here to the exit code is the machine's (src/machine/step.ts).
import { Runner } from '../machine/runner.ts';
import { initialState } from '../machine/step.ts';
import type { MachineConfig, MachineState } from '../machine/types.ts';
import { JobEdges } from './edges.ts';
import type { Job } from './job.ts';
import { presentMarkers } from './request-edge.ts';

/** The machine's start: the job's memory, the iteration, a stop that came meanwhile, a pause present. */
export function seed(job: Job): MachineState {
  const s = initialState(job.memory, job.env.clock.now());
  const c = job.controls.stop;
  const { pause } = presentMarkers(job);
  return {
    ...s,
    startedMono: job.startedMono,
    probing: job.probing,
    stop: c ? { kind: c.kind, now: c.now, signal: c.signal ?? null, marker: c.marker ?? null } : null,
    signals: job.controls.signalCount,
    paused: pause !== null,
    pauseMarker: pause,
  };
}

export async function supervise(job: Job, firstEnv: Record<string, string>, created: (edges: JobEdges) => void): Promise<number> {
  let failed!: (e: unknown) => void;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  const edges = new JobEdges(job, firstEnv, (e) => failed(e));
  // The stall detector (integrations/stall-detector.ts) watches the child's heartbeats itself and
  // tells the machine when it is silent; the machine arms no stall timer of its own.
  const cfg: MachineConfig = { ...job.cfg, stallTimeoutMs: 0 };
  const runner = new Runner(cfg, seed(job), edges);
  edges.runner = runner;
  job.recheck = () => edges.recheck();
  created(edges);
  try {
    runner.deliver({ type: 'lock-acquired', orphanPid: null });
    const code = await Promise.race([runner.done, failure]);
    if (edges.fatalError) throw edges.fatalError;
    return code;
  } finally {
    edges.dispose();
    job.recheck = () => undefined;
  }
}
