// Terraform-facing foundations for doctor: the root module's AWS provider / S3 backend settings.
export { readTerraformConfig, findProvider } from './config.js';
export type {
  TerraformConfig,
  AwsProviderConfig,
  S3BackendConfig,
  OtherBackend,
  AwsCredentialSettings,
  AssumeRoleConfig,
  WebIdentityConfig,
  ConfigProblem,
  ConfigIo,
} from './config.js';
export { isKnown, revealSecret, displayValue } from './values.js';
export type { Value, Known, Unknown, Origin, VarSource, SecretValue } from './values.js';
