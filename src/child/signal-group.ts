// The machine runner's edge for its 'signal-group' effect: the one guarded signaller of
// group-signal.ts (never pid <= 1, never a group this process did not start; a group already gone
// is not an error).
export { signalGroup } from './group-signal.ts';
