// A file named on the command line (--config, --content-hashes): links followed, as a user expects,
// but only a regular file is read, never past a bound, and a FIFO never blocks: one line naming the
// file and the flag (exit 64) instead of a hang or a memory that grows without end.
import { usageError } from '../exit-codes.ts';
import { ReadRefused, readBoundedText } from '../state/read-bounded.ts';

export function readUserFile(flag: string, file: string, maxBytes: number): string {
  let text: string | undefined;
  try {
    text = readBoundedText(file, { maxBytes, follow: true });
  } catch (e) {
    if (!(e instanceof ReadRefused)) throw e;
    throw usageError(`${flag} ${file}: ${why(e, maxBytes)}`);
  }
  if (text === undefined) throw usageError(`${flag} ${file}: cannot read it (ENOENT: no such file)`);
  return text;
}

function why(e: ReadRefused, maxBytes: number): string {
  switch (e.refusal) {
    case 'not-regular':
      return `is ${e.detail}, not a regular file; give the path of a file`;
    case 'too-big':
      return `is larger than ${maxBytes} bytes (${e.detail}); give a smaller file`;
    case 'denied':
      return `cannot read it (${e.detail}: permission denied)`;
    default:
      return `cannot read it (${e.detail})`;
  }
}
