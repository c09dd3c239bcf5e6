// The one guarded way to signal a child's process group: never pid 1 or below (process.kill(-1)
// signals every process we may signal, -0 our own group, 1 is init), and a group already gone is
// not an error.
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}
