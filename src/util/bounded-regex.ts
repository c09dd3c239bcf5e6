// A user's regular expression run with a time bound: a pattern such as /(a+)+$/ backtracks for
// hours on a few KiB of stderr, and the supervisor must never hang on it. The match runs in a
// node:vm context with a timeout (V8 interrupts the regex engine); past it, it counts as no match.
import vm from 'node:vm';

export const REGEX_TIME_LIMIT_MS = 100;

const context = vm.createContext({ re: null, text: '' });
const script = new vm.Script('re.lastIndex = 0, re.test(text)');

/** true or false, or null when the match took longer than `ms` and was abandoned. */
export function boundedTest(re: RegExp, text: string, ms = REGEX_TIME_LIMIT_MS): boolean | null {
  context.re = re;
  context.text = text;
  try {
    return script.runInContext(context, { timeout: ms }) === true;
  } catch {
    return null;
  } finally {
    context.re = null;
    context.text = '';
  }
}
