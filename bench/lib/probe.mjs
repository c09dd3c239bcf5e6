// A child that reports its own life through a FIFO, so that the bench sees (without polling) the
// instant it runs ("u"), the instant its TERM handler runs ("t", trapping child only), and the instant
// it is gone (end of file: the kernel closes its end when it exits). No supervisor holds the FIFO.
import { spawnSync } from 'node:child_process';
import { constants, existsSync, openSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { now } from './proc.mjs';

// perl is part of every Debian system (perl-base); it starts in a few ms.
const PERL = `use Fcntl; sysopen(my $f, $ARGV[0], O_WRONLY|O_NONBLOCK) or exit 3;
if ($ARGV[1] eq "pulse" && $ENV{SAFEHALT_HEARTBEAT_FILE}) { open(my $h, ">", $ENV{SAFEHALT_HEARTBEAT_FILE}); close $h; }
syswrite $f, "u";
$SIG{TERM} = sub { syswrite $f, "t"; exit 0 } if $ARGV[1] eq "trap";
$SIG{TERM} = "IGNORE" if $ARGV[1] eq "ignore";
sleep 1000 while 1;`;

/** A script file, not `perl -e`: every peer's configuration takes a plain argv then. */
function script(dir) {
  const file = path.join(dir, 'probe-child.pl');
  if (!existsSync(file)) writeFileSync(file, PERL + '\n', { mode: 0o644 });
  return file;
}

/** A FIFO in `dir` and a reader on it; times are ms on the monotonic clock of proc.mjs. */
export function openProbe(dir, name = 'probe') {
  const fifo = path.join(dir, `${name}.fifo`);
  const r = spawnSync('mkfifo', ['-m', '600', fifo]);
  if (r.status !== 0) throw new Error(`mkfifo ${fifo} failed`);
  // Non-blocking open succeeds with no writer yet; epoll reports nothing until a writer comes.
  const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const sock = new net.Socket({ fd, readable: true, writable: false });
  const times = { up: null, term: null, gone: null };
  const waiters = { up: [], term: [], gone: [] };
  const mark = (k) => {
    if (times[k] !== null) return;
    times[k] = now();
    for (const w of waiters[k].splice(0)) w(times[k]);
  };
  sock.on('data', (b) => {
    const s = b.toString();
    if (s.includes('u')) mark('up');
    if (s.includes('t')) mark('term');
  });
  sock.on('end', () => mark('gone'));
  sock.on('close', () => mark('gone'));
  sock.on('error', () => mark('gone'));
  return {
    fifo,
    times,
    /** argv of the child: `dies` (default TERM action), `trap` (handles TERM, exits 0), `ignore`, or
     * `pulse` (dies on TERM; one safehalt heartbeat, through the pulse file, as it starts). */
    argv: (kind) => ['/usr/bin/perl', script(dir), fifo, kind],
    /** Resolves with the time of `what` ('up', 'term', 'gone'). */
    when: (what) => (times[what] !== null ? Promise.resolve(times[what]) : new Promise((r) => waiters[what].push(r))),
    close: () => sock.destroy(),
  };
}
