// The files whose presence stops the job: the state directory's .stop, and each --stop-file.
import { filePath } from '../state/files.ts';
import type { Job } from './job.ts';

export const stopFiles = (job: Job): string[] => [filePath(job.cfg.stateDir, 'stop'), ...job.cfg.stopFiles];
