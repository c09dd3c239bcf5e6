import { describe, expect, it } from 'vitest';
import { classify, explain, isTransportText, type Outcome } from '../../src/policy/classify.ts';
import { cfg } from './helpers.ts';

const o = (over: Partial<Outcome>): Outcome => ({ code: 1, signal: null, durationMs: 60_000, stderrTail: '', ...over });

describe('classify', () => {
  it('a clean exit after min-uptime is a success', () => {
    expect(classify(o({ code: 0 }), cfg())).toBeNull();
  });
  it('exit 0 under min-uptime in service mode is early-exit; in loop mode a success', () => {
    expect(classify(o({ code: 0, durationMs: 100 }), cfg())).toBe('early-exit');
    expect(classify(o({ code: 0, durationMs: 100 }), cfg({ mode: 'loop' }))).toBeNull();
    expect(classify(o({ code: 0, durationMs: 100 }), cfg({ mode: 'once' }))).toBeNull();
  });
  it.each([1, 2, 77, 128, 255])('exit %i is exit:%i', (code) => {
    expect(classify(o({ code }), cfg())).toBe(`exit:${code}`);
  });
  it.each([126, 127])('exit %i (not executable, not found) is exec, whatever stderr says', (code) => {
    expect(explain(o({ code }), cfg())).toEqual({ cls: 'exec', matched: `exit code ${code}` });
    expect(explain(o({ code, stderrTail: 'sh: 1: psql: not found\n' }), cfg())).toEqual({ cls: 'exec', matched: 'sh: 1: psql: not found' });
    expect(classify(o({ code, stderrTail: 'ECONNREFUSED' }), cfg())).toBe('exec');
    expect(classify(o({ code }), cfg({ classifyExit: new Map([[code, 'mine']]) }))).toBe('mine');
  });
  it.each([
    ['auth', 'app@db1: Permission denied (publickey).'],
    ['auth', 'urllib.error.HTTPError: HTTP Error 401: Unauthorized'],
    ['rate-limit', 'curl: (22) The requested URL returned error: 429'],
    ['rate-limit', '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'],
    ['rate-limit', '"status": "RESOURCE_EXHAUSTED"'],
    ['transport', "curl: (7) Failed to connect to 127.0.0.1 port 59998 after 0 ms: Couldn't connect to server"],
  ])('%s: %s', (cls, text) => {
    expect(classify(o({ stderrTail: text }), cfg())).toBe(cls);
  });
  it('auth before rate-limit before transport; the phrase is reported as it appeared', () => {
    expect(explain(o({ stderrTail: 'read ECONNRESET\nHTTP 429 Too Many Requests\n' }), cfg())).toEqual({ cls: 'rate-limit', matched: 'HTTP 429' });
    expect(explain(o({ stderrTail: 'HTTP 429\nERROR 403: Forbidden.' }), cfg())).toEqual({ cls: 'auth', matched: 'ERROR 403:' });
  });
  it.each(['processed 429 rows', 'retry 401 of 500', 'HTTP 200 OK', 'error 500 rows skipped'])('no built-in class: %j', (text) => {
    expect(classify(o({ stderrTail: text }), cfg())).toBe('exit:1');
  });
  it('signals: SIGKILL we did not send is killed, others signal:NAME', () => {
    expect(classify(o({ code: null, signal: 'SIGKILL' }), cfg())).toBe('killed');
    expect(classify(o({ code: null, signal: 'SIGSEGV' }), cfg())).toBe('signal:SIGSEGV');
  });
  it('the wrapper causes win: timeout and stalled', () => {
    expect(classify(o({ code: null, signal: 'SIGKILL', cause: 'timeout' }), cfg())).toBe('timeout');
    expect(classify(o({ code: 0, cause: 'stalled' }), cfg())).toBe('stalled');
  });
  it.each([
    'Error: connect ECONNREFUSED 127.0.0.1:5432',
    'read ECONNRESET',
    'getaddrinfo EAI_AGAIN db.internal',
    'getaddrinfo ENOTFOUND api.example.com',
    'ETIMEDOUT',
    'psql: error: connection refused',
    'could not connect to server: No such file',
    'HTTP/1.1 503 Service Unavailable',
    'upstream returned 502 Bad Gateway',
    'status code 504',
  ])('transport: %s', (text) => {
    expect(isTransportText(text)).toBe(true);
    expect(classify(o({ stderrTail: text }), cfg())).toBe('transport');
  });
  it.each(['TypeError: x is undefined', 'processed 503 rows', 'exit 1', ''])('not transport: %j', (text) => {
    expect(isTransportText(text)).toBe(false);
  });
  it('user classes come before exit-code classes and transport', () => {
    const c = cfg({ classify: [{ name: 'quota', pattern: /rate limit/i }], classifyExit: new Map([[75, 'tempfail']]) });
    expect(classify(o({ code: 75, stderrTail: 'Rate Limit exceeded; ECONNRESET' }), c)).toBe('quota');
    expect(classify(o({ code: 75, stderrTail: 'ECONNRESET' }), c)).toBe('tempfail');
    expect(classify(o({ code: 3, stderrTail: 'ECONNRESET' }), c)).toBe('transport');
  });
  it('a success stays a success whatever stderr says', () => {
    expect(classify(o({ code: 0, stderrTail: 'ECONNREFUSED' }), cfg({ mode: 'loop' }))).toBeNull();
  });
});
