// A child process that sets up the upstream scenarios through wpslink's management plane with the
// official SDKs, as a user would: an App Service plan and a function app whose backend is the echo
// upstream, then a shared private endpoint from the Web PubSub resource to it, approved on the
// site. It runs apart from the harness because the SDKs trust wpslink's local CA only through
// NODE_EXTRA_CA_CERTS, which Node reads at start.
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { createLocalCredential } from "../../src/arm/auth/localCredential.js";
import { serveCommands } from "../harness/childRpc.js";

export interface SiteArgs {
  readonly managementUrl: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly site: string;
  readonly backendUrl: string;
}

export interface PrivateEndpointArgs extends SiteArgs {
  readonly webPubSubName: string;
  readonly timeoutMs: number;
}

const fast = { updateIntervalInMs: 50 };

function clients(args: Pick<SiteArgs, "managementUrl" | "subscriptionId">) {
  const credential = createLocalCredential({ managementUrl: args.managementUrl });
  const options = { endpoint: args.managementUrl, credentialScopes: [`${args.managementUrl}/.default`] };
  return {
    web: new WebSiteManagementClient(credential, args.subscriptionId, options),
    webPubSub: new WebPubSubManagementClient(credential, args.subscriptionId, options),
  };
}

export interface WebPubSubArgs {
  readonly managementUrl: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** Hub name → event handler URL template (user events only). */
  readonly hubs: Record<string, string>;
}

/** A Standard resource with one hub per entry, each sending every user event to its URL. */
async function createWebPubSub(args: WebPubSubArgs): Promise<{ resourceId: string; primaryKey: string }> {
  const { webPubSub } = clients(args);
  const resource = await webPubSub.webPubSub.beginCreateOrUpdateAndWait(
    args.resourceGroup,
    args.name,
    { location: "eastus", sku: { name: "Standard_S1", capacity: 1 } },
    fast,
  );
  for (const [hub, urlTemplate] of Object.entries(args.hubs)) {
    await webPubSub.webPubSubHubs.beginCreateOrUpdateAndWait(
      hub,
      args.resourceGroup,
      args.name,
      { properties: { eventHandlers: [{ urlTemplate, userEventPattern: "*", systemEvents: [] }] } },
      fast,
    );
  }
  const keys = await webPubSub.webPubSub.listKeys(args.resourceGroup, args.name);
  return { resourceId: resource.id ?? "", primaryKey: keys.primaryKey ?? "" };
}

async function createSite(args: SiteArgs): Promise<{ siteId: string; hostName: string }> {
  const { web } = clients(args);
  const plan = await web.appServicePlans.createOrUpdate(
    args.resourceGroup,
    `${args.site}-plan`,
    { location: "eastus", sku: { name: "S1" } },
    fast,
  );
  const site = await web.webApps.createOrUpdate(
    args.resourceGroup,
    args.site,
    {
      location: "eastus",
      kind: "functionapp",
      serverFarmId: plan.id,
      siteConfig: { appSettings: [{ name: "WPSLINK_BACKEND_URL", value: args.backendUrl }] },
    },
    fast,
  );
  return { siteId: site.id ?? "", hostName: site.defaultHostName ?? "" };
}

async function approvePrivateEndpoint(args: PrivateEndpointArgs): Promise<{ status: string }> {
  const { web, webPubSub } = clients(args);
  const site = await web.webApps.get(args.resourceGroup, args.site);
  await webPubSub.webPubSubSharedPrivateLinkResources.beginCreateOrUpdateAndWait(
    "bench-spe",
    args.resourceGroup,
    args.webPubSubName,
    { privateLinkResourceId: site.id, groupId: "sites", requestMessage: "benchmark" },
    fast,
  );
  const deadline = Date.now() + args.timeoutMs;
  let approved = false;
  while (Date.now() < deadline) {
    if (!approved) {
      for await (const connection of web.webApps.listPrivateEndpointConnectionList(
        args.resourceGroup,
        args.site,
      )) {
        if (connection.privateLinkServiceConnectionState?.status !== "Pending" || !connection.name) continue;
        await web.webApps
          .approveOrRejectPrivateEndpointConnection(
            args.resourceGroup,
            args.site,
            connection.name,
            { privateLinkServiceConnectionState: { status: "Approved", description: "benchmark" } },
            fast,
          )
          .pollUntilDone();
        approved = true;
      }
    }
    const spe = await webPubSub.webPubSubSharedPrivateLinkResources.get(
      "bench-spe",
      args.resourceGroup,
      args.webPubSubName,
    );
    if (spe.status === "Approved" && spe.provisioningState === "Succeeded") return { status: spe.status };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the shared private endpoint was not Approved within ${args.timeoutMs} ms`);
}

serveCommands(
  {
    createWebPubSub: (args: WebPubSubArgs) => createWebPubSub(args),
    createSite: (args: SiteArgs) => createSite(args),
    approvePrivateEndpoint: (args: PrivateEndpointArgs) => approvePrivateEndpoint(args),
  },
  { pid: process.pid },
);
