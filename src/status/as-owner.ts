// Root reads another user's job as that user: the files pass the usual owner check, and no link
// or permission the user set up is read with root's privileges. Reading only: nothing is written.
export function asOwner<T>(uid: number, gid: number, read: () => T): T {
  const euid = process.geteuid?.();
  if (euid !== 0 || uid === 0 || !process.seteuid || !process.setegid) return read();
  const egid = process.getegid!();
  process.setegid(gid);
  process.seteuid(uid);
  try {
    return read();
  } finally {
    process.seteuid(euid);
    process.setegid(egid);
  }
}
