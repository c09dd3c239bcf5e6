// PM2: pm2 start ecosystem.config.cjs
// PM2 restarts an app that exits unless its exit code is in stop_exit_codes: safehalt's halt
// codes go there, so after a safe halt (80-82), a latched refusal (83) or a busy lock (84) the app
// stays "stopped" until someone resumes the job and runs `pm2 restart sync`.
module.exports = {
  apps: [
    {
      name: 'sync',
      script: '/usr/bin/safehalt',
      args: ['run', '--name', 'sync', '--', '/usr/local/bin/sync'],
      interpreter: 'none',
      autorestart: true,
      stop_exit_codes: [0, 80, 81, 82, 83, 84],
      // PM2 stops with SIGINT, which safehalt handles like SIGTERM; wait longer than its
      // --kill-timeout (10s) before PM2's SIGKILL.
      kill_timeout: 30000,
      // No restart_delay: with one set, PM2 7 shows an app stopped by stop_exit_codes as
      // "waiting restart" (it does not restart it, but the status misleads).
    },
  ],
};
