// The class each recorded failure must get: the condition's class (scripts/clients/conditions.ts,
// the README's table), except where the client prints nothing that says what happened.
export interface Recording {
  client: string;
  version: string;
  condition: string;
  expectedClass: string | null;
  command: string[];
  exitCode: number | null;
  signal: string | null;
  stderr: string;
}

/** Failures a client reports without words for them: they keep their exit:N class (README). */
export const UNPLACEABLE: Record<string, string> = {};

export function expectedClass(r: Recording): string {
  const key = `${r.client}/${r.condition}`;
  if (key in UNPLACEABLE || r.expectedClass === null) return r.signal ? `signal:${r.signal}` : `exit:${r.exitCode}`;
  return r.expectedClass;
}
