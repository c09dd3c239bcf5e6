// `--name ''` or `--config ''` was silently ignored (the default applied): an option given with an
// empty value is one line naming it (exit 64). An empty SAFEHALT_* variable counts as unset.
import { usageError } from '../exit-codes.ts';
import type { OptionKind } from './option-names.ts';

export function refuseEmpty(a: Record<string, unknown>, kinds: ReadonlyMap<string, OptionKind>): void {
  for (const [name, kind] of kinds) {
    if (kind === 'boolean') continue;
    const v = a[name];
    const values = Array.isArray(v) ? v : [v];
    if (values.some((x) => typeof x === 'string' && x.trim() === ''))
      throw usageError(`--${name}: expected a value, got an empty string (leave the option out for its default)`);
  }
}
