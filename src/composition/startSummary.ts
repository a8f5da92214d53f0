// What `wpslink start` tells its user: every URL, the connection strings and the CA file,
// as text for people or as one JSON object for scripts (`--json`).

export interface DataPlaneSummary {
  readonly resourceId: string;
  readonly name: string;
  readonly httpUrl: string;
  readonly httpsUrl: string | null;
  readonly httpPort: number;
  readonly httpsPort: number | null;
  readonly primaryKey: string;
  readonly secondaryKey: string;
  readonly connectionString: string | null;
  readonly httpConnectionString: string;
  readonly healthUrl: string;
}

export interface StartSummary {
  readonly version: string;
  readonly host: string;
  readonly workspace: string | null;
  readonly caCertPath: string;
  readonly managementUrl: string | null;
  readonly portalUrl: string | null;
  readonly siteHttpUrl: string | null;
  readonly siteHttpsUrl: string | null;
  /** The Redis that carries deliveries between nodes, or null for in-process fan-out. */
  readonly redisUrl: string | null;
  readonly defaultResource: DataPlaneSummary;
}

export function connectionString(endpoint: string, key: string): string {
  return `Endpoint=${endpoint};AccessKey=${key};Version=1.0;`;
}

export function formatSummary(summary: StartSummary): string {
  const d = summary.defaultResource;
  const lines = [
    `wpslink ${summary.version} is ready`,
    "",
    `Web PubSub resource '${d.name}' (${d.resourceId})`,
    `  data plane (HTTPS): ${d.httpsUrl ?? "(disabled)"}`,
    `  data plane (HTTP):  ${d.httpUrl}`,
    `  health:             ${d.healthUrl}`,
    `  key1:               ${d.primaryKey}`,
    `  key2:               ${d.secondaryKey}`,
    "",
    "Connection string (HTTPS):",
    `  ${d.connectionString ?? "(HTTPS disabled)"}`,
    "Connection string (HTTP; the server SDK then needs { allowInsecureConnection: true }):",
    `  ${d.httpConnectionString}`,
    "",
  ];
  if (summary.managementUrl) {
    lines.push(
      "Management (ARM) endpoint:",
      `  ${summary.managementUrl}`,
      `  SDKs: new WebPubSubManagementClient(credential, subscriptionId, { endpoint: "${summary.managementUrl}", credentialScopes: ["${summary.managementUrl}/.default"] })`,
      "  credential: createLocalCredential() from the wpslink package, or a token from `wpslink token`",
    );
  }
  if (summary.portalUrl) lines.push(`Portal: ${summary.portalUrl}`);
  if (summary.siteHttpsUrl || summary.siteHttpUrl) {
    lines.push(
      `Site front end (*.azurewebsites.net): ${summary.siteHttpsUrl ?? ""} ${summary.siteHttpUrl ?? ""}`.trimEnd(),
    );
  }
  if (summary.redisUrl) lines.push(`Scale-out: deliveries go through Redis at ${summary.redisUrl}`);
  lines.push(
    "",
    "Trust the local CA in Node.js clients:",
    `  export NODE_EXTRA_CA_CERTS=${summary.caCertPath}`,
    `Workspace: ${summary.workspace ?? "(in memory: nothing is kept)"}`,
    "",
  );
  return lines.join("\n");
}
