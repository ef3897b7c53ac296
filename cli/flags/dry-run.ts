import { KedgeError } from '../../shared/errors.js';
import { stringOption, type FlagSpec, type ParsedArgs } from './args.js';

/** kubectl's --dry-run, server side only: kedge has no client-side dry run. */
export const dryRunFlag: FlagSpec = {
  name: 'dry-run',
  type: 'string',
  valueName: 'server|none',
  description: 'server: the server checks every change and answers as if it made it, but stores nothing (default none)',
};

/** Whether the command's writes are to be server-side dry runs. */
export function serverDryRun(args: ParsedArgs): boolean {
  const v = stringOption(args, 'dry-run');
  if (v === undefined || v === 'none') return false;
  if (v === 'server') return true;
  throw new KedgeError('BadRequest', `--dry-run: "${v}" is not supported; use --dry-run=server (kedge has no client-side dry run) or none`);
}

/** What kubectl adds to each line a dry run prints. */
export function dryRunSuffix(dryRun: boolean): string {
  return dryRun ? ' (server dry run)' : '';
}
