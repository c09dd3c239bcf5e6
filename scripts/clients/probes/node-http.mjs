// A cron-style Node script using node:http(s): the request error is left unhandled, as most
// scripts do; an HTTP error status is printed with its body and the script exits 1.
import http from 'node:http';
import https from 'node:https';

const url = new URL(process.argv[2]);
const get = url.protocol === 'https:' ? https.get : http.get;
const req = get(url, { signal: AbortSignal.timeout(Number(process.argv[3] ?? 2) * 1000) }, (res) => {
  let body = '';
  res.on('data', (d) => (body += d));
  res.on('end', () => {
    if (res.statusCode >= 400) {
      console.error(`request failed: HTTP ${res.statusCode} ${res.statusMessage}: ${body}`);
      process.exit(1);
    }
  });
});
req.on('error', (e) => {
  throw e;
});
