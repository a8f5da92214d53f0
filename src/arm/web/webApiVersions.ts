// api-versions accepted on Microsoft.Web routes: what @azure/arm-appservice 19 sends (2025-05-01),
// what the az CLI's private-endpoint-connection commands send (2019-08-01), and the versions
// between that templates and older SDKs use.
export const webApiVersions: readonly string[] = [
  "2019-08-01",
  "2020-06-01",
  "2020-09-01",
  "2020-12-01",
  "2021-01-15",
  "2021-02-01",
  "2021-03-01",
  "2022-03-01",
  "2022-09-01",
  "2023-01-01",
  "2023-12-01",
  "2024-04-01",
  "2024-11-01",
  "2025-03-01",
  "2025-05-01",
];
