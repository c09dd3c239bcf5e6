// A file that travels with the program: a SEA asset inside dist/safehalt, else the file of that
// name beside the running bundle (build/, for bin/safehalt). null where there is none (the sources).
import { readFileSync } from 'node:fs';
import { getAsset, isSea } from 'node:sea';

export function readAsset(name: string): string | null {
  try {
    return isSea() ? getAsset(name, 'utf8') : readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
  } catch {
    return null;
  }
}
