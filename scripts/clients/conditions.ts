// The failure conditions, and the built-in class each one must fall into (the README's table):
// null means none of the built-in classes (the failure keeps its exit:N class).
import { HTTP_ERRORS } from './http-errors.ts';
import type { Servers } from './servers.ts';

export const UNRESOLVABLE = 'api.outage.invalid';

export const CONDITIONS: Record<string, string | null> = {
  refused: 'transport', // nothing listens on the port
  timeout: 'transport', // the server accepts and never answers; the client's own timeout (2 s) ends it
  reset: 'transport', // the server resets every connection
  'tls-plain': 'transport', // TLS to a port that speaks plain text
  unresolvable: 'transport', // the name does not resolve (no DNS in the namespace)
  'http-429-openai': 'rate-limit',
  'http-429-quota': 'rate-limit',
  'http-429-anthropic': 'rate-limit',
  'http-429-google': 'rate-limit',
  'http-529-anthropic': 'rate-limit',
  'http-500': null, // an application error, not an outage
  'http-502': 'transport',
  'http-503': 'transport',
  'http-504': 'transport',
  'http-401': 'auth',
  'http-403': 'auth',
  'auth-denied': 'auth', // a non-HTTP login refused: PostgreSQL password, Redis password, SSH key
  'server-busy': 'transport', // PostgreSQL: too many clients already
};

/** The URL an HTTP client fetches under a condition, or null when the condition is not HTTP's. */
export function httpUrl(cond: string, s: Servers): string | null {
  const p = '/v1/chat/completions';
  if (cond === 'refused') return `http://127.0.0.1:${s.closed}${p}`;
  if (cond === 'timeout') return `http://127.0.0.1:${s.blackhole}${p}`;
  if (cond === 'reset') return `http://127.0.0.1:${s.reset}${p}`;
  if (cond === 'tls-plain') return `https://127.0.0.1:${s.http}${p}`;
  if (cond === 'unresolvable') return `http://${UNRESOLVABLE}${p}`;
  if (cond in HTTP_ERRORS) return `http://127.0.0.1:${s.http}/${cond}${p}`;
  return null;
}

/** host and port of a TCP (non-HTTP) client under a condition. */
export function tcpTarget(cond: string, s: Servers, auth: number | null, busy: number | null = null): [string, number] | null {
  if (cond === 'refused') return ['127.0.0.1', s.closed];
  if (cond === 'timeout') return ['127.0.0.1', s.blackhole];
  if (cond === 'reset') return ['127.0.0.1', s.reset];
  if (cond === 'unresolvable') return [UNRESOLVABLE, 5432];
  if (cond === 'auth-denied' && auth !== null) return ['127.0.0.1', auth];
  if (cond === 'server-busy' && busy !== null) return ['127.0.0.1', busy];
  return null;
}
