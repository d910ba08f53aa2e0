// The six rule ids of `credguard scan` (docs/DESIGN.md), their texts for every output format,
// and the shape tests that decide whether a literal looks like an AWS credential.
import { maskKeyId, maskSecret } from '../core/mask.js';

import { RULE_IDS, isRuleId, type RuleId } from './rule-ids.js';

export { RULE_IDS, isRuleId, type RuleId };

export interface RuleInfo {
  id: RuleId;
  /** One line, shown in SARIF shortDescription. */
  title: string;
  /** Why it matters, SARIF fullDescription. */
  description: string;
  /** What to do instead, printed under every text finding. */
  fix: string;
}

export const RULES: Record<RuleId, RuleInfo> = {
  'aws-provider-static-credentials': {
    id: 'aws-provider-static-credentials',
    title: 'Static AWS credentials in a provider "aws" block',
    description:
      'A literal access_key, secret_key, token or web_identity_token in a provider "aws" block is committed with the code, overrides every other credential source in Terraform and fails with InvalidClientTokenId once the key is rotated.',
    fix: 'use a profile, SSO or environment variables instead (AWS_PROFILE=…); deactivate the key in IAM if it was ever pushed.',
  },
  'aws-backend-static-credentials': {
    id: 'aws-backend-static-credentials',
    title: 'Static AWS credentials in an S3 backend or terraform_remote_state config',
    description:
      'A literal access_key, secret_key or token in backend "s3" or in a terraform_remote_state config is committed with the code and is also stored in the state and plan files.',
    fix: 'use a profile or environment variables, or `terraform init -backend-config=<git-ignored file>`.',
  },
  'aws-credentials-in-variable-default': {
    id: 'aws-credentials-in-variable-default',
    title: 'AWS credential as a variable default',
    description:
      'A variable default that is an AWS key, or that reaches a provider or backend credential attribute, hard-codes the credential in the module.',
    fix: 'drop the default; pass the value at run time (TF_VAR_<name> or a git-ignored *.auto.tfvars).',
  },
  'aws-credentials-in-tfvars': {
    id: 'aws-credentials-in-tfvars',
    title: 'AWS credential in a tfvars file',
    description: 'A .tfvars or .tfvars.json file assigns an AWS key, or a literal to a credential-named variable.',
    fix: 'keep this file out of git (.gitignore) or pass the value as TF_VAR_<name>.',
  },
  'aws-access-key-id': {
    id: 'aws-access-key-id',
    title: 'AWS access key id',
    description: 'An AWS access key id (AKIA/ASIA/ABIA/ACCA) appears in a Terraform file.',
    fix: 'remove it, and deactivate the key in IAM if it was ever pushed (git keeps history).',
  },
  'aws-secret-access-key': {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    description: 'A 40-character AWS secret access key appears next to an AWS secret keyword.',
    fix: 'remove it, and rotate the key in IAM if it was ever pushed (git keeps history).',
  },
};

/** Attributes of provider "aws", backend "s3" and remote state config that carry credentials. */
export const CREDENTIAL_ATTRIBUTES: ReadonlySet<string> = new Set(['access_key', 'secret_key', 'token']);
export const WEB_IDENTITY_BLOCK = 'assume_role_with_web_identity';
export const WEB_IDENTITY_ATTRIBUTE = 'web_identity_token';

const KEY_ID = /^(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}$/;
const SECRET = /^[A-Za-z0-9/+=]{40}$/;
const HEX = /^[0-9a-fA-F]+$/;
const JWT = /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/;
const SESSION_TOKEN = /^[A-Za-z0-9/+=]{100,}$/;

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

/**
 * 40 base64 characters that are not a hex digest and mix cases and digits, as real secrets do
 * (a 40-letter identifier or a SHA-1 is not a secret).
 */
export function isSecretShaped(value: string): boolean {
  return SECRET.test(value) && !HEX.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9/+]/.test(value);
}

/** Does this literal look like any AWS credential: key id, secret, session token or OIDC token? */
export function isKeyShaped(value: string): boolean {
  const v = value.trim();
  return isKeyId(v) || isSecretShaped(v) || JWT.test(v) || (SESSION_TOKEN.test(v) && !HEX.test(v));
}

/** The AWS documentation's example keys (AKIAIOSFODNN7EXAMPLE, wJalr…EXAMPLEKEY, …). */
export function isExampleKey(value: string): boolean {
  return value.includes('EXAMPLE');
}

/** Variable and tfvars names that hold AWS credentials: aws_access_key, secret_key, session_token … */
const CREDENTIAL_NAME = /(?:^|_)(?:access_key(?:_id)?|secret(?:_access)?_key|session_token|web_identity_token)$|^aws_token$/i;

export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** `AKIA…5TRW` for key ids, only the length for everything else. */
export function maskValue(value: string): string {
  return isKeyId(value.trim()) ? maskKeyId(value) : maskSecret(value);
}
