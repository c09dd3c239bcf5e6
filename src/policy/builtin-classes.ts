// The built-in failure classes and the phrases that place a failure in one. Every phrase comes from a
// message recorded from a real client (test/fixtures/clients/, scripts/record-clients.sh) or from
// the documented error bodies of the big APIs; the README's table lists them. Checked in this order:
// exec (by exit code), auth, rate-limit, transport: the first whose phrase is in the stderr tail wins.

export type BuiltinClass = 'exec' | 'auth' | 'rate-limit' | 'transport';

/** An HTTP status as clients print it: `returned error: 429` (curl, git), `ERROR 429:` (wget),
 * `HTTP Error 429` (urllib), `429 Client Error` (requests), `HTTP/1.1 429`, `status 429`. */
const status = (codes: string) =>
  String.raw`(?:returned error: |\bHTTP Error |\bHTTP(?:/[\d.]+)? |\bstatus(?: code)?[ :=]+|awaiting response\.\.\. )(?:${codes})\b|\bERROR (?:${codes}):|\b(?:${codes}) (?:Client|Server) Error\b`;

const any = (...parts: string[]) => new RegExp(parts.join('|'), 'i');

export const PHRASES: Record<Exclude<BuiltinClass, 'exec'>, RegExp> = {
  auth: any(
    status('401|403'),
    String.raw`\b401 Unauthorized\b|\b403 Forbidden\b`,
    String.raw`Permission denied \((?:publickey|password|keyboard-interactive)`, // ssh
    'password authentication failed', // PostgreSQL 28P01
    String.raw`\bNOAUTH\b|\bWRONGPASS\b`, // Redis
    'Username/Password Authentication Failed', // wget on 401
    'could not read Username for', // git: the server asked for credentials
    String.raw`\bAuthentication failed for\b`, // git
    String.raw`\binvalid_api_key\b|Incorrect API key provided|\bauthentication_error\b|\bpermission_error\b|invalid x-api-key`, // OpenAI, Anthropic
    String.raw`\bUNAUTHENTICATED\b|\bPERMISSION_DENIED\b|API key not valid`, // Google
  ),
  'rate-limit': any(
    status('429|529'),
    String.raw`\b429 Too Many Requests\b|\bToo Many Requests\b`,
    String.raw`\brate_limit_exceeded\b|\brate_limit_error\b|\bRate limit reached\b|\brate limit exceeded\b`, // OpenAI, Anthropic
    String.raw`\binsufficient_quota\b|exceeded your current quota`, // OpenAI
    String.raw`\boverloaded_error\b`, // Anthropic 529
    String.raw`\bRESOURCE_EXHAUSTED\b|Resource has been exhausted`, // Google
  ),
  transport: any(
    String.raw`\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EPIPE)\b`,
    String.raw`connection refused|could not connect|Couldn't connect to server|Failed to connect to|connection reset|Connection aborted|socket hang up`,
    String.raw`Recv failure|server closed the connection unexpectedly|kex_exchange_identification|Connection closed by remote host`,
    String.raw`Could not resolve host|Temporary failure in name resolution|Name or service not known|could not translate host name|unable to resolve host address|Failed to resolve|NameResolutionError`,
    String.raw`Connection timed out|Operation timed out|Read timed out|\bReadTimeout\b|\bConnectTimeout\b|timeout expired|\bTimeoutError\b|Operation too slow`,
    String.raw`wrong version number|received invalid response to SSL negotiation|Unable to establish SSL connection|gnutls_handshake\(\) failed|unexpected TLS packet`,
    String.raw`Network is unreachable|No route to host|too many clients already|the database system is (?:starting up|shutting down)`,
    status('502|503|504'),
    String.raw`\b(?:502|503|504) (?:Bad Gateway|Service Unavailable|Gateway Time-?out)\b`,
  ),
};

/** Exit codes of the shell convention: 126 found but not executable, 127 not found. */
export const EXEC_CODES = new Set([126, 127]);

/** The line that says why the command could not run, else the exit code itself. */
const EXEC_WORDS = /not found|No such file or directory|Permission denied|cannot execute|cannot start/i;

export interface BuiltinMatch {
  cls: BuiltinClass;
  /** The phrase that placed the failure in its class, as it appeared (at most 160 characters). */
  matched: string;
}

const clip = (s: string) => (s.length > 160 ? `${s.slice(0, 157)}...` : s).trim();

export function builtinClass(code: number | null, tail: string): BuiltinMatch | null {
  if (code !== null && EXEC_CODES.has(code)) {
    const line = tail.slice(-2048).split('\n').findLast((l) => EXEC_WORDS.test(l));
    return { cls: 'exec', matched: clip(line ?? `exit code ${code}`) };
  }
  if (!tail) return null;
  for (const cls of ['auth', 'rate-limit', 'transport'] as const) {
    const m = PHRASES[cls].exec(tail);
    if (m) return { cls, matched: clip(m[0]) };
  }
  return null;
}
