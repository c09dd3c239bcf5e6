import { describe, expect, it } from 'vitest';
import { classify, isTransportText, type Outcome } from '../../src/policy/classify.ts';
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
  it.each([1, 2, 77, 127, 255])('exit %i is exit:%i', (code) => {
    expect(classify(o({ code }), cfg())).toBe(`exit:${code}`);
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
