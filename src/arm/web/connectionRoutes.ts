// ARM routes of a site's private endpoint connections and private link resources.
// approveOrReject is a PUT answered 202 with the transitional status (Approving / Rejecting) and
// operation headers; delete is 202 with Disconnecting, then the connection is gone.
import { armErrors } from "../runtime/armError.js";
import { pageOf } from "../runtime/paging.js";
import { accepted, noContent, ok, type ArmContext, type ArmRoute } from "../runtime/routeTable.js";
import { guarded } from "./armAdapter.js";
import { parseRequestedStatus } from "./connectionTransitions.js";
import { webApiVersions } from "./webApiVersions.js";
import { connectionBody, type StoredConnection, type StoredSite } from "./webModels.js";
import type { WebSiteService } from "./webSiteService.js";
import { asObject } from "./webValidation.js";
import { requireSite } from "./siteRoutes.js";

const site =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Web/sites/{name}";
const connection = `${site}/privateEndpointConnections/{connectionName}`;

function requireConnection(web: WebSiteService, c: ArmContext, owner: StoredSite): StoredConnection {
  const found = web.connection(owner.id, c.params.connectionName!);
  if (!found) {
    throw armErrors.resourceNotFound(
      "Microsoft.Web/sites/privateEndpointConnections",
      `${owner.name}/${c.params.connectionName!}`,
      owner.resourceGroup,
    );
  }
  return found;
}

/** The `sites` private link resource (only on plans whose SKU supports private endpoints). */
function privateLinkResources(web: WebSiteService, owner: StoredSite): unknown[] {
  if (!web.planSupportsPrivateEndpoints(owner)) return [];
  return [
    {
      id: `${owner.id}/privateLinkResources/sites`,
      name: "sites",
      type: "Microsoft.Web/sites/privateLinkResources",
      properties: {
        groupId: "sites",
        requiredMembers: ["sites"],
        requiredZoneNames: ["privatelink.azurewebsites.net"],
      },
    },
  ];
}

export function connectionRoutes(web: WebSiteService): ArmRoute[] {
  const route = (
    method: ArmRoute["method"],
    path: string,
    handler: (c: ArmContext) => ReturnType<ArmRoute["handler"]>,
  ): ArmRoute => ({ method, path, apiVersions: webApiVersions, handler: guarded(handler) });
  const scope = (owner: StoredSite) => ({
    subscriptionId: owner.subscriptionId,
    namespace: "Microsoft.Web",
    location: owner.location,
  });
  return [
    route("GET", `${site}/privateEndpointConnections`, async (c) => {
      const owner = requireSite(web, c);
      return pageOf(
        c,
        web.connections(owner.id).map((x) => connectionBody(x, owner.location)),
      );
    }),
    route("GET", connection, async (c) => {
      const owner = requireSite(web, c);
      return ok(connectionBody(requireConnection(web, c, owner), owner.location));
    }),
    route("PUT", connection, async (c) => {
      const owner = requireSite(web, c);
      const current = requireConnection(web, c, owner);
      const properties = asObject(asObject(c.body, "body").properties, "properties");
      const state = asObject(
        properties.privateLinkServiceConnectionState,
        "properties.privateLinkServiceConnectionState",
      );
      const requested = parseRequestedStatus(state.status);
      const description = typeof state.description === "string" ? state.description : null;
      const { connection: next, done } = await web.approveOrReject(
        owner.id,
        current.name,
        requested,
        description,
      );
      if (!done) return ok(connectionBody(next, owner.location));
      const op = await c.operations.start(c, scope(owner), async () => {
        await done;
        const settled = web.connection(owner.id, current.name);
        return settled ? { status: 200, body: connectionBody(settled, owner.location) } : { status: 204 };
      });
      return accepted(op.headers, connectionBody(next, owner.location));
    }),
    route("DELETE", connection, async (c) => {
      const owner = requireSite(web, c);
      const started = await web.beginDeleteConnection(owner.id, c.params.connectionName!);
      if (!started) return noContent();
      const op = await c.operations.start(c, scope(owner), async () => {
        await started.done;
        return { status: 204 };
      });
      return accepted(op.headers);
    }),
    route("GET", `${site}/privateLinkResources`, async (c) => {
      const owner = requireSite(web, c);
      return ok({ value: privateLinkResources(web, owner) });
    }),
  ];
}
