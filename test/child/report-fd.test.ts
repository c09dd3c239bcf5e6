// The wrapper's reader of $SAFEHALT_FD, on a real stream: lines split across chunks, the line cap,
// the per-second cap pausing the stream, rate-limited warnings, and close() that never waits for
// an end of file that may not come.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { LINE_MAX, LINES_PER_SECOND, LineSplitter, readReports } from '../../src/child/report-fd.ts';
import type { Report } from '../../src/child/report-line.ts';

function split(chunks: (string | Buffer)[]) {
  const lines: string[] = [];
  const bad: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), (w) => bad.push(w));
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return { lines, bad };
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and skips empty lines', () => {
    expect(split(['prog', 'ress 1\n\nste', 'p a\nend\n']).lines).toEqual(['progress 1', 'step a', 'end']);
  });

  it('drops a line longer than LINE_MAX whole, across chunks, and goes on with the next', () => {
    const long = 'x'.repeat(LINE_MAX);
    const r = split([`progress ${long.slice(0, 100)}`, long, '\nend\n', `${'y'.repeat(LINE_MAX)}\n`]);
    expect(r.lines).toEqual(['end', 'y'.repeat(LINE_MAX)]);
    expect(r.bad).toEqual([`a report line longer than ${LINE_MAX} bytes was dropped`]);
  });

  it('ignores a last line without its newline, with a warning', () => {
    const r = split(['end\nprogress 12']);
    expect(r.lines).toEqual(['end']);
    expect(r.bad[0]).toMatch(/without a newline was ignored: "progress 12"/);
  });
});

describe('readReports', () => {
  const collect = (stream: PassThrough) => {
    const reports: Report[] = [];
    const warnings: string[] = [];
    const reader = readReports(stream, (r) => reports.push(r), (w) => warnings.push(w));
    return { reports, warnings, reader };
  };

  it('close() reads what was written, then returns without an end of file', async () => {
    const stream = new PassThrough();
    const c = collect(stream);
    stream.write('progress 1\ncost 2\n');
    const t0 = performance.now();
    await c.reader.close();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(c.reports).toEqual([{ kind: 'progress', token: '1' }, { kind: 'cost', amount: 2 }]);
    expect(stream.destroyed).toBe(true);
  });

  it('bad lines: one warning at once, the rest counted at the close', async () => {
    const stream = new PassThrough();
    const c = collect(stream);
    stream.write('nonsense\n'.repeat(500) + 'end\n');
    stream.end();
    await c.reader.close();
    expect(c.reports).toEqual([{ kind: 'end' }]);
    expect(c.warnings).toHaveLength(2);
    expect(c.warnings[0]).toMatch(/^unknown report .*"nonsense"; the job carries on$/);
    expect(c.warnings[1]).toBe('499 more bad report lines were ignored');
  });

  it('past LINES_PER_SECOND the stream is paused until the next second; nothing is lost', async () => {
    const stream = new PassThrough({ highWaterMark: 1 << 20 });
    const c = collect(stream);
    // In chunks of 1000 lines, as a socket delivers them (the cap is checked after each chunk).
    const n = LINES_PER_SECOND + 5000;
    for (let i = 0; i < n; i += 1000) stream.write('heartbeat\n'.repeat(1000));
    await new Promise((r) => setTimeout(r, 200));
    expect(c.reports.length).toBeGreaterThanOrEqual(LINES_PER_SECOND);
    expect(c.reports.length).toBeLessThan(n);
    expect(stream.isPaused()).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(c.reports.length).toBe(n);
    await c.reader.close();
  });
});
