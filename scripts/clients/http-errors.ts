// HTTP errors as the services that cron jobs and agent loops call send them: the JSON error bodies
// of the OpenAI, Anthropic and Google APIs, nginx's and a load balancer's HTML pages, and the
// Retry-After headers that go with them (seconds, or an HTTP-date).
export interface HttpError {
  status: number;
  headers: () => Record<string, string>;
  body: string;
}

const json = (extra: Record<string, string> = {}) => () => ({ 'content-type': 'application/json', ...extra });
const html = () => () => ({ 'content-type': 'text/html' });
const page = (title: string, server: string) => `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
const httpDate = (inMs: number) => new Date(Date.now() + inMs).toUTCString();

export const HTTP_ERRORS: Record<string, HttpError> = {
  'http-429-openai': {
    status: 429,
    headers: json({ 'retry-after': '20', 'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s' }),
    body: JSON.stringify({ error: { message: 'Rate limit reached for gpt-4o in organization org-x1y2z3 on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }),
  },
  'http-429-quota': {
    status: 429,
    headers: json(),
    body: JSON.stringify({ error: { message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }),
  },
  'http-429-anthropic': {
    status: 429,
    headers: json({ 'retry-after': '30', 'anthropic-ratelimit-requests-remaining': '0' }),
    body: JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.' } }),
  },
  'http-429-google': {
    status: 429,
    headers: json(),
    body: JSON.stringify({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34s' }] } }, null, 2),
  },
  'http-529-anthropic': {
    status: 529,
    headers: json({ 'retry-after': '15' }),
    body: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
  },
  'http-500': {
    status: 500,
    headers: json(),
    body: JSON.stringify({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } }),
  },
  'http-502': { status: 502, headers: html(), body: page('502 Bad Gateway', 'nginx') },
  'http-503': {
    status: 503,
    headers: () => ({ 'content-type': 'application/json', 'retry-after': httpDate(120_000) }),
    body: JSON.stringify({ error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } }),
  },
  'http-504': { status: 504, headers: html(), body: page('504 Gateway Time-out', 'awselb/2.0') },
  'http-401': {
    status: 401,
    headers: json({ 'www-authenticate': 'Bearer realm="api"' }),
    body: JSON.stringify({ error: { message: 'Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }),
  },
  'http-403': {
    status: 403,
    headers: json(),
    body: JSON.stringify({ type: 'error', error: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' } }),
  },
};
