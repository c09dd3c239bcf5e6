// The failure conditions the clients meet, as small loopback servers: a closed port, a server that
// accepts and never answers, one that resets every connection, an HTTP server that answers with the
// errors real APIs send, and fake PostgreSQL and Redis servers that refuse the login. Loopback only:
// the recorder runs inside a private network namespace (scripts/record-clients.sh).
import http from 'node:http';
import net from 'node:net';
import { HTTP_ERRORS } from './http-errors.ts';

export interface Servers {
  closed: number;
  blackhole: number;
  reset: number;
  http: number;
  pgAuth: number;
  pgBusy: number;
  redisAuth: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** A port nothing listens on: bound once to get a free number, then closed. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

/** A PostgreSQL server that answers the startup packet with one ErrorResponse (and 'N' to SSL). */
function pgServer(code: string, message: string): net.Server {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const error = Buffer.concat([Buffer.from('E'), Buffer.alloc(4), fields]);
  error.writeUInt32BE(4 + fields.length, 1);
  return net.createServer((sock) => {
    sock.on('error', () => {});
    sock.on('data', (d) => {
      // SSLRequest and GSSENCRequest: 8 bytes, code 80877103 / 80877104: decline, as a server without TLS does.
      if (d.length === 8 && (d.readUInt32BE(4) === 80877103 || d.readUInt32BE(4) === 80877104)) sock.write('N');
      else sock.end(error);
    });
  });
}

/** A Redis server that requires a password: every command gets NOAUTH, AUTH gets WRONGPASS. */
const redisServer = () =>
  net.createServer((sock) => {
    sock.on('error', () => {});
    sock.on('data', (d) => {
      const text = d.toString('latin1').toUpperCase();
      sock.write(text.includes('AUTH') ? '-WRONGPASS invalid username-password pair or user is disabled.\r\n' : '-NOAUTH Authentication required.\r\n');
    });
  });

function httpServer(): http.Server {
  return http.createServer((req, res) => {
    const e = HTTP_ERRORS[(req.url ?? '/').split('/')[1] ?? ''];
    if (!e) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    res.writeHead(e.status, e.headers()).end(e.body);
  });
}

export async function startServers(): Promise<Servers> {
  const held = new Set<net.Socket>();
  const blackhole = net.createServer((s) => (held.add(s), s.on('error', () => {})));
  const reset = net.createServer((s) => s.resetAndDestroy());
  const all: net.Server[] = [blackhole, reset, httpServer(), pgServer('28P01', 'password authentication failed for user "app"'), pgServer('53300', 'sorry, too many clients already'), redisServer()];
  const [b, r, h, pa, pb, ra] = await Promise.all(all.map(listen));
  for (const s of all) s.on('connection', (c: net.Socket) => (held.add(c), c.on('close', () => held.delete(c))));
  return {
    closed: await closedPort(),
    blackhole: b,
    reset: r,
    http: h,
    pgAuth: pa,
    pgBusy: pb,
    redisAuth: ra,
    async close() {
      for (const c of held) c.destroy();
      await Promise.all(all.map((s) => new Promise((done) => s.close(done))));
    },
  };
}
