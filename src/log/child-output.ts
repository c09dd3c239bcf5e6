// Where one run's output goes, by the options: passed through (text), wrapped line by line (json),
// or kept and handed to the logger, which prints it after its next warning or error (--quiet).
import { KeptOutput } from '../child/kept-output.ts';
import { passThrough, processStreams, type OutputSink, type StreamWriter } from '../child/output.ts';
import { jsonLines } from './child-lines.ts';
import type { Logger, LogFormat } from './logger.ts';

export interface ChildOutput {
  sink: OutputSink;
  captureStdout: boolean;
  /** The run has ended: under --quiet, its output waits for a line that says something went wrong. */
  ended(): void;
}

export function childOutput(o: { name: string; quiet: boolean; logFormat: LogFormat }, log: Logger, out: StreamWriter = processStreams): ChildOutput {
  const shown = () => (o.logFormat === 'json' ? jsonLines(o.name, out) : passThrough(out));
  // A new run: the output of the last one (a success, or already printed) is dropped.
  log.hold?.(null);
  if (!o.quiet) return { sink: shown(), captureStdout: o.logFormat === 'json', ended: () => undefined };
  const kept = new KeptOutput();
  return {
    sink: kept,
    captureStdout: true,
    ended: () => log.hold?.(kept.empty ? null : () => kept.replay(shown())),
  };
}
