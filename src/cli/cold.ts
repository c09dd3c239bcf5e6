// What only the full program needs, in one module: the full parser with every command, and the
// file watcher of `status --watch`. scripts/bundle.mjs bundles it apart (src/cli/fast/cold-main.ts).
export { main } from './main.ts';
export { watchStatus } from '../status/watch-status.ts';
