// A Node script using fetch, as API clients do: a failed fetch is thrown (its cause printed by
// Node), and an HTTP error status is thrown with the status, the Retry-After header and the body.
const res = await fetch(process.argv[2], { signal: AbortSignal.timeout(Number(process.argv[3] ?? 2) * 1000) });
if (!res.ok) {
  const hint = res.headers.get('retry-after');
  throw new Error(`${res.status} ${res.statusText}${hint ? ` (retry-after: ${hint})` : ''}: ${await res.text()}`);
}
