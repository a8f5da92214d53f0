// Resource groups (Microsoft.Resources). Any well-formed subscription id exists implicitly. A
// resource group exists once created with `PUT /subscriptions/{id}/resourcegroups/{name}` or
// implicitly, on the first PUT of a resource into it (so SDK samples work without a resource
// client); GET of a resource in a group that does not exist is `404 ResourceGroupNotFound`,
// as in Azure. Deleting a group that still holds resources is refused (409) rather than
// cascading, so nothing disappears by accident.
import { z } from "zod";
import type { StoreReader, StoreTransaction } from "../../store/store.js";
import { resourceManagerApiVersions } from "./apiVersions.js";
import { armErrors } from "./armError.js";
import { pageOf } from "./paging.js";
import type { ArmContext, ArmRoute } from "./routeTable.js";
import { parseBody } from "./validation.js";

export const resourceGroupType = "microsoft.resources/resourcegroups";

export interface ResourceGroupRecord {
  readonly subscriptionId: string;
  readonly name: string;
  readonly location: string;
  readonly tags: Record<string, string>;
  /** True when created by the first resource PUT rather than explicitly. */
  readonly implicit: boolean;
}

export function resourceGroupKey(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourcegroups/${name}`.toLowerCase();
}

export function resourceGroupId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
}

export async function findResourceGroup(
  reader: StoreReader,
  subscriptionId: string,
  name: string,
): Promise<ResourceGroupRecord | undefined> {
  return (await reader.get<ResourceGroupRecord>(resourceGroupKey(subscriptionId, name)))?.value;
}

/** The group, or ARM's 404 `ResourceGroupNotFound`. */
export async function requireResourceGroup(
  reader: StoreReader,
  subscriptionId: string,
  name: string,
): Promise<ResourceGroupRecord> {
  const group = await findResourceGroup(reader, subscriptionId, name);
  if (!group) throw armErrors.resourceGroupNotFound(name);
  return group;
}

/** Returns the group, creating it (in `tx`) when a resource is first put into it. */
export async function ensureResourceGroup(
  tx: StoreTransaction,
  subscriptionId: string,
  name: string,
  location: string,
): Promise<ResourceGroupRecord> {
  const existing = await findResourceGroup(tx, subscriptionId, name);
  if (existing) return existing;
  const record: ResourceGroupRecord = { subscriptionId, name, location, tags: {}, implicit: true };
  await tx.put(resourceGroupKey(subscriptionId, name), resourceGroupType, record, "absent");
  return record;
}

function toArm(group: ResourceGroupRecord): unknown {
  return {
    id: resourceGroupId(group.subscriptionId, group.name),
    name: group.name,
    type: "Microsoft.Resources/resourceGroups",
    location: group.location,
    tags: group.tags,
    properties: { provisioningState: "Succeeded" },
  };
}

const putBody = z
  .object({
    location: z.string({ required_error: "location is required" }).min(1),
    tags: z.record(z.string(), z.string()).optional(),
    managedBy: z.string().optional(),
    properties: z.object({}).passthrough().optional(),
  })
  .passthrough();

export function resourceGroupRoutes(): ArmRoute[] {
  const path = "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}";
  const get = async (c: ArmContext) => {
    const group = await requireResourceGroup(c.store, c.params.subscriptionId!, c.params.resourceGroupName!);
    return { status: 200, body: toArm(group) };
  };
  return [
    { method: "GET", path, apiVersions: resourceManagerApiVersions, handler: get },
    {
      method: "HEAD",
      path,
      apiVersions: resourceManagerApiVersions,
      handler: async (c) => {
        const group = await findResourceGroup(c.store, c.params.subscriptionId!, c.params.resourceGroupName!);
        return { status: group ? 204 : 404 };
      },
    },
    {
      method: "PUT",
      path,
      apiVersions: resourceManagerApiVersions,
      handler: async (c) => {
        const body = parseBody(putBody, c.body);
        const sub = c.params.subscriptionId!;
        const name = c.params.resourceGroupName!;
        return c.store.transaction(async (tx) => {
          const existing = await findResourceGroup(tx, sub, name);
          if (existing && existing.location.toLowerCase() !== body.location.toLowerCase()) {
            throw armErrors.conflict(
              "InvalidResourceGroupLocation",
              `Invalid resource group location '${body.location}'. The Resource group already exists in location '${existing.location}'.`,
            );
          }
          const record: ResourceGroupRecord = {
            subscriptionId: sub,
            name: existing?.name ?? name,
            location: existing?.location ?? body.location,
            tags: body.tags ?? existing?.tags ?? {},
            implicit: false,
          };
          await tx.put(resourceGroupKey(sub, name), resourceGroupType, record);
          return { status: existing ? 200 : 201, body: toArm(record) };
        });
      },
    },
    {
      method: "DELETE",
      path,
      apiVersions: resourceManagerApiVersions,
      handler: async (c) =>
        c.store.transaction(async (tx) => {
          const sub = c.params.subscriptionId!;
          const name = c.params.resourceGroupName!;
          const key = resourceGroupKey(sub, name);
          if (!(await tx.get(key))) throw armErrors.resourceGroupNotFound(name);
          const children = await tx.list({ prefix: `${key}/providers/`, limit: 1 });
          if (children.length > 0) {
            throw armErrors.conflict(
              "ResourceGroupNotEmpty",
              `Resource group '${name}' still holds resources (e.g. '${children[0]!.key}'); wpslink does not delete groups with resources, delete them first.`,
            );
          }
          await tx.delete(key);
          return { status: 200 };
        }),
    },
    {
      method: "GET",
      path: "/subscriptions/{subscriptionId}/resourcegroups",
      apiVersions: resourceManagerApiVersions,
      handler: async (c) => {
        const entries = await c.store.list<ResourceGroupRecord>({
          prefix: `/subscriptions/${c.params.subscriptionId!}/resourcegroups/`.toLowerCase(),
          type: resourceGroupType,
        });
        return pageOf(
          c,
          entries.map((e) => toArm(e.value)),
        );
      },
    },
  ];
}
