// The package's programmatic entry: start wpslink in-process (tests, tools) and the credential
// that lets the official Azure management SDKs talk to its ARM endpoint.
export { startWpslink, type RunningWpslink } from "./composition/root.js";
export type { StartSummary, DataPlaneSummary } from "./composition/startSummary.js";
export { loadConfig, ConfigError } from "./config/loadConfig.js";
export type { WpslinkConfig } from "./config/schema.js";
export { createLocalCredential, type LocalCredentialOptions } from "./arm/auth/localCredential.js";
export { readRuntimeFile, type RuntimeFile } from "./config/runtimeFile.js";
