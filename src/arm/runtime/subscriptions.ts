// Subscriptions. wpslink has no tenant directory: every well-formed subscription id exists and
// is "Enabled". `GET /subscriptions` lists the ones that hold resource groups (for the portal and
// tools that pick a subscription first).
import { localTenantId } from "../auth/localTokenIssuer.js";
import { pageOf } from "./paging.js";
import { resourceGroupType } from "./resourceGroups.js";
import type { ArmRoute } from "./routeTable.js";

export const subscriptionApiVersions: readonly string[] = [
  "2016-06-01",
  "2019-06-01",
  "2019-11-01",
  "2020-01-01",
  "2021-01-01",
  "2022-09-01",
  "2022-12-01",
];

function subscriptionBody(id: string): unknown {
  return {
    id: `/subscriptions/${id}`,
    subscriptionId: id,
    tenantId: localTenantId,
    displayName: `wpslink ${id}`,
    state: "Enabled",
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "wpslink",
      spendingLimit: "Off",
    },
    authorizationSource: "RoleBased",
  };
}

export function subscriptionRoutes(): ArmRoute[] {
  return [
    {
      method: "GET",
      path: "/subscriptions/{subscriptionId}",
      apiVersions: subscriptionApiVersions,
      handler: async (c) => ({ status: 200, body: subscriptionBody(c.params.subscriptionId!) }),
    },
    {
      method: "GET",
      path: "/subscriptions",
      apiVersions: subscriptionApiVersions,
      handler: async (c) => {
        const groups = await c.store.list({ prefix: "/subscriptions/", type: resourceGroupType });
        const ids = [...new Set(groups.map((g) => g.key.split("/")[2]!))].sort();
        return pageOf(c, ids.map(subscriptionBody));
      },
    },
  ];
}
