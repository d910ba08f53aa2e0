// Opt-in AWS Regions: disabled until an account enables them, and stricter about STS tokens.
//
// Source: AWS documentation, "AWS Regions" (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html,
// column "Opt-in status"), and the rule stated in the AWS docs on opt-in Regions
// ("Any AWS Regions introduced after March 20, 2019 are considered to be opt-in Regions").
// Checked November 2026. Regions launched later than this list are opt-in by the same rule:
// add them here.
//
// Why it matters to Terraform (the seed article's "STS region mismatch"):
//   - STS in a Region the account has not enabled rejects every request with
//     InvalidClientTokenId, however good the keys are;
//   - session tokens from the *global* endpoint (sts.amazonaws.com) are version 1 by default and
//     are valid only in Regions enabled by default, so assumed-role credentials minted there fail
//     in an opt-in Region.
// The provider's `sts_region` argument makes Terraform call STS in a Region of your choice.
export const OPT_IN_REGIONS: readonly string[] = [
  'af-south-1', // Africa (Cape Town)
  'ap-east-1', // Asia Pacific (Hong Kong)
  'ap-east-2', // Asia Pacific (Taipei)
  'ap-south-2', // Asia Pacific (Hyderabad)
  'ap-southeast-3', // Asia Pacific (Jakarta)
  'ap-southeast-4', // Asia Pacific (Melbourne)
  'ap-southeast-5', // Asia Pacific (Malaysia)
  'ap-southeast-6', // Asia Pacific (New Zealand)
  'ap-southeast-7', // Asia Pacific (Thailand)
  'ca-west-1', // Canada West (Calgary)
  'eu-central-2', // Europe (Zurich)
  'eu-south-1', // Europe (Milan)
  'eu-south-2', // Europe (Spain)
  'il-central-1', // Israel (Tel Aviv)
  'me-central-1', // Middle East (UAE)
  'me-south-1', // Middle East (Bahrain)
  'mx-central-1', // Mexico (Central)
];

export function isOptInRegion(region: string | undefined): boolean {
  return region !== undefined && OPT_IN_REGIONS.includes(region);
}

/** The Region doctor proposes for `sts_region`: a default-enabled one on the same partition. */
export const DEFAULT_STS_REGION = 'us-east-1';
