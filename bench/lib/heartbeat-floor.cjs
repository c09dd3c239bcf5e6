// The floor of an idle wrapper's CPU: a bare Node process that does, every 10 s, the file work of
// safehalt's heartbeat and nothing else (look for the child's heartbeat files, write a 512-byte
// heartbeat.json atomically: temp file, rename) with its directory watched. What one wake-up of a
// Node process costs varies tenfold on a shared virtual machine (1-20 ms per minute for an empty
// 10 s timer here); beside this floor, in one run, safehalt's figure reads as a ratio.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
fs.watch(dir, () => undefined);
const file = path.join(dir, 'heartbeat.json');

function beat() {
  try {
    fs.readFileSync(path.join(dir, 'child-heartbeat.json'));
  } catch {
    /* absent, as for safehalt's idle child */
  }
  try {
    fs.statSync(path.join(dir, 'child.heartbeat'));
  } catch {
    /* absent */
  }
  const body = JSON.stringify({ schema: 1, time: new Date().toISOString(), pid: process.pid, pad: 'x'.repeat(400) }, null, 2);
  const temp = `${file}.${Math.floor(Math.random() * 2 ** 32)}`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  fs.writeSync(fd, body);
  fs.closeSync(fd);
  fs.renameSync(temp, file);
}

beat();
setInterval(beat, 10_000);
