// The cause catalogue (DESIGN.md), shared by doctor, check, env-check and the prompt.
export const CAUSES = {
  'wrong-credentials': 'typo in key id or secret, stray quote/space/CR; InvalidClientTokenId or SignatureDoesNotMatch',
  'expired-credentials': 'session / SSO / assume-role credentials past expiry',
  'wrong-profile': 'a profile other than intended is in effect, or the account is not allowed',
  'inactive-key': 'IAM access key deleted or set Inactive',
  'sts-region': 'opt-in region vs global STS endpoint / v1 tokens; sts_region needed',
  'env-override': 'stale env keys shadow the profile; ASIA key without session token; AKIA key with a leftover session token',
  'missing-profile': 'AWS_PROFILE or provider profile names a profile that does not exist',
  'no-credentials': 'nothing in the chain yields credentials',
  'clock-skew': 'RequestExpired / signature time out of range',
} as const;

export type CauseId = keyof typeof CAUSES;

/**
 * Beyond DESIGN.md's causes of a rejected call: `config` for unusable local files or settings
 * (malformed INI, bad JSON, a value doctor cannot know) and `network` for an STS endpoint that
 * does not answer — in both the credentials themselves were not judged.
 */
export type FindingCause = CauseId | 'config' | 'network';

export type Severity = 'error' | 'warn' | 'info';

export interface Finding {
  cause: FindingCause;
  severity: Severity;
  /** One sentence: what is wrong. */
  message: string;
  /** What was observed, secrets masked (`AKIA…7QZD`). */
  evidence?: string;
  /** The exact command or edit that fixes it. */
  fix?: string;
  /** File the finding is about, when there is one. */
  file?: string;
  /** A stable id for findings other code reacts to (messages are for humans and may change). */
  code?: FindingCode;
}

export type FindingCode = 'region-vars-disagree' | 'profile-missing' | 'ini-line-ignored' | 'env-keys-shadow-profile';

/** The fix for environment keys that shadow the intended source: one spelling everywhere. */
export const UNSET_ENV_KEYS = 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN';
