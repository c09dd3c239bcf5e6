// What the rest of safehalt uses of item memory: `run` sets the job's default limit, `status` and
// the metrics file read the summary.
export { writeItemsDefault, readItemsDefault } from './config.ts';
export { itemsGauges, itemsSummary, type ItemsSummary } from './summary.ts';
export { DEFAULT_MAX_RETRIES } from './decide.ts';
