// STS errors → DESIGN.md cause ids. Pure: the error code/message and what we know offline.
import type { CauseId } from './causes.js';
import type { Resolution } from './resolve.js';
import { redact } from './mask.js';

export type IdentityStatus = 'ok' | 'invalid' | 'expired' | 'error' | 'none';

export interface Classified {
  status: IdentityStatus;
  cause: CauseId | undefined;
  /** One sentence for humans. */
  explanation: string;
}

export function classifyStsError(code: string, message: string, r: Pick<Resolution, 'key' | 'hasSessionToken' | 'source'>, previouslyValid = false): Classified {
  const klass = r.key?.klass;
  switch (code) {
    case 'InvalidClientTokenId':
      if (klass === 'long-term' && r.hasSessionToken) {
        return { status: 'invalid', cause: 'env-override', explanation: 'A long-term AKIA key was sent with a leftover session token.' };
      }
      if (klass === 'temporary' && !r.hasSessionToken) {
        return { status: 'invalid', cause: 'env-override', explanation: 'A temporary ASIA key was sent without its session token.' };
      }
      if (previouslyValid) {
        return { status: 'invalid', cause: 'inactive-key', explanation: 'This access key worked before and is now rejected: it was deleted or deactivated.' };
      }
      return { status: 'invalid', cause: 'wrong-credentials', explanation: 'AWS does not know this access key id: a typo, a stray character, or a deleted/deactivated key.' };
    case 'SignatureDoesNotMatch':
      if (/signature expired|is now earlier than|is now later than/i.test(message)) {
        return { status: 'error', cause: 'clock-skew', explanation: 'The request time is out of range: the local clock is off.' };
      }
      return { status: 'invalid', cause: 'wrong-credentials', explanation: 'The secret access key does not match the key id.' };
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'TokenRefreshRequired':
      return { status: 'expired', cause: 'expired-credentials', explanation: 'The session credentials have expired.' };
    case 'RequestExpired':
    case 'RequestTimeTooSkewed':
      return { status: 'error', cause: 'clock-skew', explanation: 'AWS rejected the request time: the local clock is off.' };
    case 'InvalidAccessKeyId':
      return { status: 'invalid', cause: 'wrong-credentials', explanation: 'AWS does not know this access key id.' };
    case 'AccessDenied':
      return { status: 'invalid', cause: 'wrong-profile', explanation: 'Access denied: the identity may not perform this call (wrong profile or role?).' };
    default:
      return { status: 'error', cause: undefined, explanation: message || code };
  }
}

/** Errors raised by the SDK's credential providers before any request is sent. */
export function classifyProviderError(message: string): Classified {
  if (/sso.*(expired|invalid)|token.*expired|refresh.*(failed|expired)/i.test(message)) {
    return { status: 'expired', cause: 'expired-credentials', explanation: 'The SSO session has expired or is invalid.' };
  }
  if (/profile.*(not found|could not be found|does not exist)|failed to get shared config profile/i.test(message)) {
    return { status: 'none', cause: 'missing-profile', explanation: redact(message) };
  }
  return { status: 'none', cause: 'no-credentials', explanation: redact(message) };
}
