// The six rule ids of `credguard scan` (docs/DESIGN.md). Kept apart from the rule texts so the
// config check on a clean commit loads as little as possible.
export const RULE_IDS = [
  'aws-provider-static-credentials',
  'aws-backend-static-credentials',
  'aws-credentials-in-variable-default',
  'aws-credentials-in-tfvars',
  'aws-access-key-id',
  'aws-secret-access-key',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}
