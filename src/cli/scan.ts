// Placeholder until the feature lands: see the open issues.
import { UserError } from '../core/errors.js';
import type { Cli } from './io.js';

export async function run(_args: string[], _cli: Cli): Promise<number> {
  throw new UserError('"scan" is not implemented yet.', 'Track the feature in the project issues.');
}
