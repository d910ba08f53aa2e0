// The one user-facing error type: a sentence plus a hint, exit code 2 (usage or input error).

/**
 * Commands are bundled separately (scripts/bundle.mjs), so each bundle has its own copy of this
 * class and `instanceof` would fail across them; a registry-wide symbol brands the instances.
 */
const BRAND = Symbol.for('credguard.UserError');

export function isUserError(err: unknown): err is UserError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

export class UserError extends Error {
  readonly [BRAND] = true;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, hint?: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
