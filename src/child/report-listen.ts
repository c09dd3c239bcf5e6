// A child's report stream, from its first line to its record: read and bounded (report-fd.ts),
// folded and written to child-heartbeat.json (report-recorder.ts). Closed once the child has exited.
import { readReports, type ReportReader } from './report-fd.ts';
import { ReportRecorder } from './report-recorder.ts';
import type { ChildHandle } from './spawn-child.ts';

export function listenForReports(child: Pick<ChildHandle, 'pid' | 'reports'>, stateDir: string, iteration: number, warn: (m: string) => void): ReportReader {
  if (!child.reports) return { close: async () => undefined };
  const recorder = new ReportRecorder(stateDir, () => ({ pid: child.pid, iteration }), warn);
  const reader = readReports(child.reports, (r) => recorder.add(r), (m) => warn(`SAFEHALT_FD: ${m}`));
  return {
    async close() {
      await reader.close();
      await recorder.flush();
    },
  };
}
