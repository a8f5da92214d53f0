// ARM routes of `Microsoft.SignalRService/webPubSub/{name}/sharedPrivateLinkResources`, and the
// registration function the composition root calls. PUT is a long-running operation (201/200 +
// Azure-AsyncOperation + Location; the operation ends Succeeded with status Pending); DELETE is
// 202 + Location until done, 204 when already gone.
import type { ArmRuntime } from "../runtime/armRuntime.js";
import { armErrors } from "../runtime/armError.js";
import { pageOf } from "../runtime/paging.js";
import { requireResourceGroup } from "../runtime/resourceGroups.js";
import { accepted, noContent, ok, type ArmContext, type ArmRoute } from "../runtime/routeTable.js";
import { guarded, toArmError } from "../web/armAdapter.js";
import type { KeyValueReader, KeyValueWriter } from "../web/webStore.js";
import { sharedPrivateLinkBody, type WebPubSubParent } from "./sharedPrivateLinkModel.js";
import type { SharedPrivateLinkService } from "./sharedPrivateLinkService.js";
import { webPubSubApiVersions } from "./webPubSubApiVersions.js";

/** Reads the parent Web PubSub resource; default: its store record (key = lower-cased ARM id). */
export type FindWebPubSubParent = (
  reader: KeyValueReader,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
) => Promise<WebPubSubParent | undefined>;

export const findParentInStore: FindWebPubSubParent = async (reader, subscriptionId, resourceGroup, name) => {
  const key =
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.SignalRService/webPubSub/${name}`.toLowerCase();
  return (await reader.get<WebPubSubParent>(key))?.value;
};

/** Matches the webPubSub provider's hook interface (`WebPubSubHooks`) structurally. */
export interface SharedPrivateLinkParentHooks {
  embedProperties(reader: unknown, record: { readonly id: string }): Promise<Record<string, unknown>>;
  onDeleting(tx: KeyValueWriter, record: { readonly id: string }): Promise<void>;
  onDeleted(record: { readonly id: string }): Promise<void>;
}

export interface SharedPrivateLinkRouteOptions {
  readonly apiVersions?: readonly string[];
  readonly findParent?: FindWebPubSubParent;
}

const base =
  "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.SignalRService/webPubSub/{resourceName}/sharedPrivateLinkResources";

export function sharedPrivateLinkRoutes(
  service: SharedPrivateLinkService,
  options: SharedPrivateLinkRouteOptions = {},
): ArmRoute[] {
  const apiVersions = options.apiVersions ?? webPubSubApiVersions;
  const findParent = options.findParent ?? findParentInStore;
  const route = (
    method: ArmRoute["method"],
    path: string,
    handler: (c: ArmContext) => ReturnType<ArmRoute["handler"]>,
  ): ArmRoute => ({
    method,
    path,
    apiVersions,
    handler: guarded(handler),
  });
  const requireParent = async (c: ArmContext): Promise<WebPubSubParent> => {
    const { subscriptionId, resourceGroupName, resourceName } = c.params as Record<string, string>;
    await requireResourceGroup(c.store, subscriptionId!, resourceGroupName!);
    const parent = await findParent(c.store, subscriptionId!, resourceGroupName!, resourceName!);
    if (!parent)
      throw armErrors.resourceNotFound(
        "Microsoft.SignalRService/WebPubSub",
        resourceName!,
        resourceGroupName!,
      );
    return parent;
  };
  const scope = (parent: WebPubSubParent) => ({
    subscriptionId: parent.subscriptionId,
    namespace: "Microsoft.SignalRService",
    location: parent.location,
  });
  const one = `${base}/{sharedPrivateLinkResourceName}`;
  return [
    route("GET", base, async (c) =>
      pageOf(c, service.list((await requireParent(c)).id).map(sharedPrivateLinkBody)),
    ),
    route("GET", one, async (c) => {
      const parent = await requireParent(c);
      const name = c.params.sharedPrivateLinkResourceName!;
      const record = service.get(parent.id, name);
      if (!record) {
        throw armErrors.resourceNotFound(
          "Microsoft.SignalRService/WebPubSub/sharedPrivateLinkResources",
          `${parent.name}/${name}`,
          parent.resourceGroup,
        );
      }
      return ok(sharedPrivateLinkBody(record));
    }),
    route("PUT", one, async (c) => {
      const parent = await requireParent(c);
      const outcome = await service.put(parent, c.params.sharedPrivateLinkResourceName!, c.body);
      const op = await c.operations.start(c, scope(parent), async () => {
        try {
          return { status: 200, body: sharedPrivateLinkBody(await outcome.finish()) };
        } catch (error) {
          throw toArmError(error);
        }
      });
      return {
        status: outcome.created ? 201 : 200,
        body: sharedPrivateLinkBody(outcome.record),
        headers: op.headers,
      };
    }),
    route("DELETE", one, async (c) => {
      const parent = await requireParent(c);
      const started = await service.beginDelete(parent.id, c.params.sharedPrivateLinkResourceName!);
      if (!started) return noContent();
      const op = await c.operations.start(c, scope(parent), async () => {
        await started.finish();
        return { status: 204 };
      });
      return accepted(op.headers);
    }),
  ];
}

/**
 * Adds the routes to the runtime and returns the hooks for the webPubSub provider:
 * `webPubSubProvider.addHooks(registerSharedPrivateLinkResources(arm, service))`.
 */
export function registerSharedPrivateLinkResources(
  runtime: Pick<ArmRuntime, "routes">,
  service: SharedPrivateLinkService,
  options: SharedPrivateLinkRouteOptions = {},
): SharedPrivateLinkParentHooks {
  runtime.routes.add(...sharedPrivateLinkRoutes(service, options));
  return {
    embedProperties: async (_reader, record) => ({
      sharedPrivateLinkResources: service.list(record.id).map(sharedPrivateLinkBody),
    }),
    onDeleting: (tx, record) => service.onParentDeleting(tx, record.id),
    onDeleted: async (record) => service.onParentDeleted(record.id),
  };
}
