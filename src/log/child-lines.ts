// --log-format json: every line the child writes becomes one JSON record on the same stream, so a
// log shipper can parse everything the wrapper prints. Lines are bounded: a longer one is split into
// records of at most LINE_BYTES, each but the last marked "partial": true.
import type { OutputSink, Stream, StreamWriter } from '../child/output.ts';

export const LINE_BYTES = 8 * 1024;

export function jsonLines(job: string, out: StreamWriter, limit = LINE_BYTES): OutputSink {
  const pending: Record<Stream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  const record = (stream: Stream, bytes: Buffer, partial: boolean) => {
    const text = bytes.toString('utf8');
    const rec = { time: new Date().toISOString(), job, stream, text, ...(partial ? { partial: true } : {}) };
    out(stream, JSON.stringify(rec) + '\n');
  };
  const drain = (stream: Stream, final: boolean) => {
    let buf = pending[stream];
    for (;;) {
      const nl = buf.indexOf(0x0a);
      if (nl >= 0 && nl <= limit) {
        record(stream, buf.subarray(0, nl), false);
        buf = buf.subarray(nl + 1);
      } else if (buf.length > limit) {
        // Cut on a character boundary: back off from a UTF-8 continuation byte.
        let at = limit;
        while (at > 0 && (buf[at] & 0xc0) === 0x80) at--;
        record(stream, buf.subarray(0, at || limit), true);
        buf = buf.subarray(at || limit);
      } else break;
    }
    if (final && buf.length > 0) {
      record(stream, buf, false);
      buf = Buffer.alloc(0);
    }
    pending[stream] = Buffer.from(buf);
  };
  return {
    write(stream, chunk) {
      pending[stream] = Buffer.concat([pending[stream], chunk]);
      drain(stream, false);
    },
    end() {
      drain('stdout', true);
      drain('stderr', true);
    },
  };
}
