// The domain of shared private link resources: creating one allocates a private endpoint in the
// resource's managed VNet and a Pending connection on the target site (description = the request
// message); the site's decisions reach the shared private link resource after a propagation
// delay and drive the network (Approved puts the site in the VNet's private DNS zone, anything
// else takes it out). Removing the site side leaves the resource Disconnected; removing the
// resource removes the site's connection. State is durable and restored at start.
import type { ManagedNetwork, PrivateEndpointStatus } from "../../network/managedNetwork.js";
import type { TraceBus } from "../../trace/traceBus.js";
import { ProviderError, providerErrors } from "../web/webErrors.js";
import type { StoredConnection } from "../web/webModels.js";
import type { ConnectionChange, WebSiteService } from "../web/webSiteService.js";
import { storeTypes, type KeyValueStore, type KeyValueWriter } from "../web/webStore.js";
import {
  sharedPrivateLinkKey,
  type SharedPrivateLinkRecord,
  type SharedPrivateLinkStatus,
  type WebPubSubParent,
} from "./sharedPrivateLinkModel.js";
import {
  checkParentTier,
  checkSharedPrivateLinkName,
  checkTarget,
  parseSharedPrivateLinkBody,
} from "./sharedPrivateLinkValidation.js";

export interface SharedPrivateLinkServiceOptions {
  readonly store: KeyValueStore;
  readonly web: WebSiteService;
  readonly network: ManagedNetwork;
  /** Delay before a site-side change shows on the shared private link resource (config `propagationDelayMs`). */
  readonly propagationDelayMs: number;
  readonly trace?: TraceBus;
}

export interface PutOutcome {
  readonly record: SharedPrivateLinkRecord;
  readonly created: boolean;
  /** The background part of the PUT (the LRO's work): resolves with the final record. */
  finish(): Promise<SharedPrivateLinkRecord>;
}

const parentKeyOf = (id: string): string => id.toLowerCase();

/** What the site's connection means for the shared private link resource; null = no change yet. */
function mirror(connection: StoredConnection | undefined): SharedPrivateLinkStatus | null {
  if (!connection) return "Disconnected";
  switch (connection.status) {
    case "Approved":
      return "Approved";
    case "Rejected":
      return "Rejected";
    case "Pending":
      return "Pending";
    default:
      return null;
  }
}

export class SharedPrivateLinkService {
  private readonly byParent = new Map<string, Map<string, SharedPrivateLinkRecord>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;

  private constructor(private readonly options: SharedPrivateLinkServiceOptions) {
    this.unsubscribe = options.web.onConnectionChanged((change) => this.heard(change));
  }

  /** Loads every shared private link resource, rebuilds the network and resumes interrupted work. */
  static async open(options: SharedPrivateLinkServiceOptions): Promise<SharedPrivateLinkService> {
    const service = new SharedPrivateLinkService(options);
    const entries = await options.store.list<SharedPrivateLinkRecord>({
      prefix: "/subscriptions/",
      type: storeTypes.sharedPrivateLink,
    });
    for (const { value } of entries) {
      options.network.attachResource(value.resourceId, value.vnetIndex);
      service.addEndpoint(value);
      service.cache(value);
    }
    for (const { value } of entries) {
      if (value.provisioningState === "Deleting") await service.finishDelete(value);
      else if (value.provisioningState === "Creating" || value.provisioningState === "Updating") {
        await service.finishPut(value).catch(() => undefined);
      } else {
        service.applyToNetwork(value);
        service.reconcile(value);
      }
    }
    return service;
  }

  list(parentId: string): SharedPrivateLinkRecord[] {
    return [...(this.byParent.get(parentKeyOf(parentId))?.values() ?? [])].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }

  get(parentId: string, name: string): SharedPrivateLinkRecord | undefined {
    return this.byParent.get(parentKeyOf(parentId))?.get(name.toLowerCase());
  }

  /** Validates and records a create or update; the caller runs `finish` as the operation's work. */
  async put(parent: WebPubSubParent, name: string, body: unknown): Promise<PutOutcome> {
    checkSharedPrivateLinkName(name);
    const request = parseSharedPrivateLinkBody(body);
    checkParentTier(parent);
    const site = checkTarget(request, this.options.web);
    const existing = this.get(parent.id, name);
    if (existing) {
      if (
        existing.privateLinkResourceId.toLowerCase() !== request.privateLinkResourceId.toLowerCase() ||
        existing.groupId.toLowerCase() !== request.groupId.toLowerCase()
      ) {
        throw providerErrors.badRequest(
          "PropertyChangeNotAllowed",
          `The target and groupId of shared private link resource '${name}' cannot change. Delete it and create a new one for '${request.privateLinkResourceId}'.`,
          "properties.privateLinkResourceId",
        );
      }
      this.refuseWhileBusy(existing);
    }
    const duplicate = this.list(parent.id).find(
      (r) =>
        r.name.toLowerCase() !== name.toLowerCase() &&
        r.privateLinkResourceId.toLowerCase() === site.id.toLowerCase(),
    );
    if (duplicate) {
      throw providerErrors.conflict(
        "DuplicateSharedPrivateLinkResource",
        `'${parent.name}' already has shared private link resource '${duplicate.name}' to '${site.id}'. One resource has one private endpoint per target: use or delete '${duplicate.name}'.`,
      );
    }
    let record: SharedPrivateLinkRecord;
    if (existing) {
      record = { ...existing, requestMessage: request.requestMessage, provisioningState: "Updating" };
    } else {
      const vnet = this.options.network.attachResource(parent.id);
      const endpoint = this.options.network.addPrivateEndpoint(parent.id, {
        name,
        targetResourceId: site.id,
        siteName: site.name,
        groupId: "sites",
      });
      record = {
        id: `${parent.id}/sharedPrivateLinkResources/${name}`,
        name,
        resourceId: parent.id,
        groupId: request.groupId,
        privateLinkResourceId: request.privateLinkResourceId,
        requestMessage: request.requestMessage,
        provisioningState: "Creating",
        status: "Pending",
        vnetIndex: vnet.addresses.index,
        address: endpoint.address,
        connectionName: null,
      };
    }
    try {
      await this.write(this.options.store, record);
    } catch (error) {
      if (!existing) this.options.network.removePrivateEndpoint(parent.id, name);
      throw error;
    }
    this.cache(record);
    return { record, created: !existing, finish: () => this.finishPut(record) };
  }

  /** Starts a delete; null when there is nothing to delete. */
  async beginDelete(parentId: string, name: string): Promise<{ finish(): Promise<void> } | null> {
    const existing = this.get(parentId, name);
    if (!existing) return null;
    this.refuseWhileBusy(existing);
    const deleting: SharedPrivateLinkRecord = { ...existing, provisioningState: "Deleting" };
    await this.write(this.options.store, deleting);
    this.cache(deleting);
    return { finish: () => this.finishDelete(deleting) };
  }

  /** Parent delete, inside its transaction: remove the site connections our endpoints created. */
  async onParentDeleting(tx: KeyValueWriter, parentId: string): Promise<void> {
    for (const record of this.list(parentId)) {
      const connection = this.connectionOf(record);
      if (connection) await this.options.web.deleteConnectionRecord(tx, connection);
    }
  }

  /** Parent gone: forget its resources, their site connections and its VNet. */
  onParentDeleted(parentId: string): void {
    for (const record of this.list(parentId)) {
      const connection = this.connectionOf(record);
      if (connection) this.options.web.forget(connection);
    }
    this.byParent.delete(parentKeyOf(parentId));
    this.options.network.detachResource(parentId);
  }

  close(): void {
    this.unsubscribe();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  // ---- internals ----

  private refuseWhileBusy(record: SharedPrivateLinkRecord): void {
    if (
      record.provisioningState === "Creating" ||
      record.provisioningState === "Updating" ||
      record.provisioningState === "Deleting"
    ) {
      throw providerErrors.conflict(
        "Conflict",
        `Shared private link resource '${record.name}' is ${record.provisioningState}; wait until it is done and retry.`,
      );
    }
  }

  private connectionOf(record: SharedPrivateLinkRecord): StoredConnection | undefined {
    if (!record.connectionName) return undefined;
    const siteId = this.options.web.getSite(record.privateLinkResourceId)?.id ?? record.privateLinkResourceId;
    return this.options.web.connection(siteId, record.connectionName);
  }

  private async finishPut(record: SharedPrivateLinkRecord): Promise<SharedPrivateLinkRecord> {
    const web = this.options.web;
    let connection = this.connectionOf(record);
    let final: SharedPrivateLinkRecord;
    try {
      if (connection) {
        final = { ...record, provisioningState: "Succeeded" };
        await this.write(this.options.store, final);
      } else {
        const site = web.getSite(record.privateLinkResourceId);
        if (!site) {
          throw providerErrors.badRequest(
            "PrivateLinkResourceNotFound",
            `The target resource '${record.privateLinkResourceId}' no longer exists.`,
          );
        }
        const parent =
          /^\/subscriptions\/([^/]+)\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/([^/]+)$/i.exec(
            record.resourceId,
          );
        connection = web.newConnection({
          siteId: site.id,
          namePrefix: record.name,
          description: record.requestMessage,
          address: record.address,
          privateEndpointId: `/subscriptions/${parent?.[1] ?? "managed"}/resourceGroups/wpslink-managed-${parent?.[2] ?? "webpubsub"}/providers/Microsoft.Network/privateEndpoints/${record.name}`,
          owner: { resourceId: record.resourceId, sharedPrivateLinkName: record.name },
        });
        final = {
          ...record,
          provisioningState: "Succeeded",
          status: "Pending",
          connectionName: connection.name,
        };
        const created = connection;
        await this.options.store.transaction(async (tx) => {
          await web.writeConnection(tx, created);
          await this.write(tx, final);
        });
        this.cache(final);
        web.adopt(created);
      }
    } catch (error) {
      const failed: SharedPrivateLinkRecord = { ...record, provisioningState: "Failed" };
      await this.write(this.options.store, failed).catch(() => undefined);
      this.cache(failed);
      throw error instanceof ProviderError ? error : providerErrors.badRequest("Failed", String(error));
    }
    this.cache(final);
    this.applyToNetwork(final);
    this.trace(final, "sharedPrivateLink.provisioned");
    return final;
  }

  private async finishDelete(record: SharedPrivateLinkRecord): Promise<void> {
    const connection = this.connectionOf(record);
    await this.options.store.transaction(async (tx) => {
      if (connection) await this.options.web.deleteConnectionRecord(tx, connection);
      await tx.delete(sharedPrivateLinkKey(record.resourceId, record.name));
    });
    this.byParent.get(parentKeyOf(record.resourceId))?.delete(record.name.toLowerCase());
    this.options.network.removePrivateEndpoint(record.resourceId, record.name);
    if (connection) this.options.web.forget(connection);
    this.trace(record, "sharedPrivateLink.deleted");
  }

  /** A site connection changed: the resource hears of it after the propagation delay. */
  private heard(change: ConnectionChange): void {
    if (!change.owner) return;
    const status = mirror(change.connection);
    if (status === null) return;
    const { resourceId, sharedPrivateLinkName } = change.owner;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.propagate(resourceId, sharedPrivateLinkName, change.name, status);
    }, this.options.propagationDelayMs);
    this.timers.add(timer);
  }

  private reconcile(record: SharedPrivateLinkRecord): void {
    if (record.provisioningState !== "Succeeded" || !record.connectionName) return;
    const status = mirror(this.connectionOf(record));
    if (status !== null && status !== record.status) {
      this.heard({
        siteId: record.privateLinkResourceId,
        name: record.connectionName,
        owner: { resourceId: record.resourceId, sharedPrivateLinkName: record.name },
        connection: this.connectionOf(record),
      });
    }
  }

  private async propagate(
    parentId: string,
    name: string,
    connectionName: string,
    status: SharedPrivateLinkStatus,
  ): Promise<void> {
    const record = this.get(parentId, name);
    if (!record || record.connectionName !== connectionName || record.provisioningState === "Deleting")
      return;
    if (record.status === status) return;
    const next: SharedPrivateLinkRecord = {
      ...record,
      status,
      connectionName: status === "Disconnected" ? null : record.connectionName,
    };
    try {
      await this.write(this.options.store, next);
    } catch {
      return; // the store closed during shutdown; reconciled at the next start
    }
    this.cache(next);
    this.applyToNetwork(next);
    this.trace(next, "sharedPrivateLink.status");
  }

  private applyToNetwork(record: SharedPrivateLinkRecord): void {
    const status: PrivateEndpointStatus =
      record.provisioningState === "Succeeded" && record.status !== "Timeout" ? record.status : "Pending";
    this.options.network.setPrivateEndpointStatus(record.resourceId, record.name, status);
  }

  private addEndpoint(record: SharedPrivateLinkRecord): void {
    const siteName = /\/sites\/([^/]+)$/i.exec(record.privateLinkResourceId)?.[1] ?? "";
    this.options.network.addPrivateEndpoint(record.resourceId, {
      name: record.name,
      targetResourceId: record.privateLinkResourceId,
      siteName,
      groupId: record.groupId,
      address: record.address,
    });
  }

  private async write(writer: KeyValueWriter, record: SharedPrivateLinkRecord): Promise<void> {
    await writer.put(
      sharedPrivateLinkKey(record.resourceId, record.name),
      storeTypes.sharedPrivateLink,
      record,
    );
  }

  private cache(record: SharedPrivateLinkRecord): void {
    const key = parentKeyOf(record.resourceId);
    let map = this.byParent.get(key);
    if (!map) {
      map = new Map();
      this.byParent.set(key, map);
    }
    map.set(record.name.toLowerCase(), record);
  }

  private trace(record: SharedPrivateLinkRecord, kind: string): void {
    this.options.trace?.publish({
      category: "network",
      kind,
      resource: record.resourceId,
      details: {
        sharedPrivateLinkResource: record.name,
        target: record.privateLinkResourceId,
        provisioningState: record.provisioningState,
        status: record.status,
        address: record.address,
      },
    });
  }
}
