// Where the child's stdout and stderr go. Text mode passes them through as they come; --quiet keeps
// them (bounded) to print only if the run goes wrong; --log-format json wraps each line as a record.
export type Stream = 'stdout' | 'stderr';

/** Receives the child's output, chunk by chunk, in the order the chunks arrived. */
export interface OutputSink {
  write(stream: Stream, chunk: Buffer): void;
  /** The child is gone: flush what is buffered (a last line without its newline). */
  end(): void;
}

export type StreamWriter = (stream: Stream, data: string | Buffer) => void;

/** Our own stdout and stderr; a reader that went away (EPIPE) never ends the wrapper. */
const guarded = new Set<NodeJS.WriteStream>();
export const processStreams: StreamWriter = (stream, data) => {
  const s = stream === 'stdout' ? process.stdout : process.stderr;
  // EPIPE arrives as an 'error' event: without a listener it would end the wrapper, child and all.
  if (!guarded.has(s)) guarded.add(s.on('error', () => undefined));
  try {
    s.write(data);
  } catch {
    /* a closed stream: the output is lost, the job carries on */
  }
};

/** Text mode without --quiet: stderr is forwarded raw (stdout is inherited, it never comes here). */
export const passThrough = (out: StreamWriter = processStreams): OutputSink => ({
  write: (stream, chunk) => out(stream, chunk),
  end: () => undefined,
});

/** Send every chunk to each of `sinks`. */
export const tee = (...sinks: OutputSink[]): OutputSink => ({
  write: (stream, chunk) => sinks.forEach((s) => s.write(stream, chunk)),
  end: () => sinks.forEach((s) => s.end()),
});
