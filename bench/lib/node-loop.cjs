// The floor of any Node supervisor: child_process.spawn in a loop, nothing else. SIGUSR2 prints the
// number of children that have exited (after `ready`); SIGTERM is passed to the child, and the loop exits after it.
const { spawn } = require('node:child_process');

const [cmd, ...args] = process.argv.slice(2);
let exits = 0;
let child = null;
let stopping = false;

function go() {
  child = spawn(cmd, args, { stdio: 'ignore' });
  child.on('exit', () => {
    exits++;
    if (stopping) process.exit(0);
    go();
  });
}

process.on('SIGUSR2', () => process.stdout.write(`${exits}\n`));
process.on('SIGTERM', () => {
  stopping = true;
  child.kill('SIGTERM');
});
go();
process.stdout.write('ready\n');
