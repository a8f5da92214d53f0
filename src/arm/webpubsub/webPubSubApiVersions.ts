// api-versions of Microsoft.SignalRService/webPubSub that wpslink accepts: the stable and
// preview versions published in azure-rest-api-specs (specification/webpubsub), which the SDKs
// (@azure/arm-webpubsub 1.2.0 sends 2024-03-01), the az webpubsub extension and the docs'
// `az rest` samples (2021-06-01-preview ... 2024-08-01-preview) use.
export const webPubSubApiVersions: readonly string[] = [
  "2021-04-01-preview",
  "2021-06-01-preview",
  "2021-09-01-preview",
  "2021-10-01",
  "2022-08-01-preview",
  "2023-02-01",
  "2023-03-01-preview",
  "2023-06-01-preview",
  "2023-08-01-preview",
  "2024-01-01-preview",
  "2024-03-01",
  "2024-04-01-preview",
  "2024-08-01-preview",
  "2024-10-01-preview",
  "2025-01-01-preview",
  "2025-08-01-preview",
  "2025-12-01-preview",
  "2026-03-01-preview",
];
