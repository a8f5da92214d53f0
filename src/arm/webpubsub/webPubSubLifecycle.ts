// The life of a Web PubSub resource beyond its stored record: starting its data plane when it
// is created (or when wpslink restarts), applying keys/hubs/access changes to the running data
// plane, and stopping it when the resource is deleted or stopped.
import type { Store, StoreReader, StoreTransaction } from "../../store/store.js";
import { ArmError } from "../runtime/armError.js";
import type { StartedDataPlane, WebPubSubDataPlaneHost } from "./dataPlaneHost.js";
import { hubSettingsMap } from "./hubSettingsMapping.js";
import {
  nameIndexKey,
  resourceBody,
  terminalStates,
  webPubSubStoreType,
  type PublicAddress,
  type WebPubSubRecord,
} from "./webPubSubModel.js";
import { listAllWebPubSub, listHubs, recordKey } from "./webPubSubRepository.js";

/** Extension points for providers of child resources (shared private link resources). */
export interface WebPubSubHooks {
  /** Extra `properties` of the resource body, e.g. `sharedPrivateLinkResources`. */
  embedProperties?(reader: StoreReader, record: WebPubSubRecord): Promise<Record<string, unknown>>;
  /** Runs inside the delete transaction, before every key under the resource is removed. */
  onDeleting?(tx: StoreTransaction, record: WebPubSubRecord): Promise<void>;
  /** Runs after the resource is gone and its data plane stopped. */
  onDeleted?(record: WebPubSubRecord): Promise<void>;
}

export interface RestoreReport {
  readonly started: readonly { id: string; httpPort: number; httpsPort: number | null }[];
  readonly failed: readonly { id: string; reason: string }[];
}

export type LifecycleLog = (message: string, details?: Record<string, unknown>) => void;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class WebPubSubLifecycle {
  /** Store key → resource id and bound ports of every running data plane. */
  private readonly running = new Map<string, { id: string; started: StartedDataPlane }>();
  private readonly hooks: WebPubSubHooks[] = [];

  constructor(
    private readonly store: Store,
    private readonly host: WebPubSubDataPlaneHost,
    readonly address: PublicAddress,
    private readonly log: LifecycleLog = () => undefined,
  ) {}

  addHooks(hooks: WebPubSubHooks): void {
    this.hooks.push(hooks);
  }

  isRunning(record: WebPubSubRecord): boolean {
    return this.running.has(recordKey(record));
  }

  async body(reader: StoreReader, record: WebPubSubRecord): Promise<Record<string, unknown>> {
    let extra: Record<string, unknown> = {};
    for (const hook of this.hooks) {
      if (hook.embedProperties) extra = { ...extra, ...(await hook.embedProperties(reader, record)) };
    }
    return resourceBody(record, this.address, extra);
  }

  /** Starts the data plane asking for `record.ports` (0 = any); returns the record with the bound ports. */
  async startDataPlane(record: WebPubSubRecord): Promise<WebPubSubRecord> {
    const hubs = hubSettingsMap(await listHubs(this.store, record));
    const started = await this.host.start({
      resourceId: record.id,
      name: record.name,
      keys: record.keys,
      hubs,
      access: {
        disableLocalAuth: record.properties.disableLocalAuth,
        publicNetworkAccess: record.properties.publicNetworkAccess,
      },
      httpPort: record.ports.http,
      httpsPort: record.ports.https ?? 0,
    });
    this.running.set(recordKey(record), { id: record.id, started });
    return { ...record, ports: { http: started.httpPort, https: started.httpsPort } };
  }

  async stopDataPlane(record: WebPubSubRecord): Promise<void> {
    const key = recordKey(record);
    if (!this.running.has(key)) return;
    this.running.delete(key);
    await this.host.stop(record.id);
  }

  /** Persists `record` unless the resource was deleted meanwhile; returns what was stored. */
  async save(record: WebPubSubRecord): Promise<WebPubSubRecord> {
    return this.store.transaction(async (tx) => {
      const key = recordKey(record);
      if (!(await tx.get(key)))
        throw new ArmError(409, "Conflict", `The resource '${record.id}' was deleted.`);
      await tx.put(key, webPubSubStoreType, record);
      return record;
    });
  }

  /** Background work of a create: data plane up → Succeeded, or Failed with the reason. */
  async activate(record: WebPubSubRecord): Promise<WebPubSubRecord> {
    let started: WebPubSubRecord;
    try {
      started = record.properties.resourceStopped === "true" ? record : await this.startDataPlane(record);
    } catch (error) {
      await this.save({ ...record, provisioningState: "Failed" });
      throw new ArmError(
        500,
        "DataPlaneStartFailed",
        `The data plane of '${record.name}' could not start: ${reasonOf(error)}`,
      );
    }
    return this.save({ ...started, provisioningState: "Succeeded" });
  }

  /** Background work of an update: apply what changed to the running data plane. */
  async applyUpdate(previous: WebPubSubRecord, next: WebPubSubRecord): Promise<WebPubSubRecord> {
    let current = next;
    try {
      const wantStopped = next.properties.resourceStopped === "true";
      if (wantStopped && this.isRunning(previous)) {
        await this.stopDataPlane(previous);
      } else if (!wantStopped && !this.isRunning(previous)) {
        current = await this.startDataPlane(next);
      } else if (!wantStopped) {
        const before = previous.properties;
        const after = next.properties;
        if (
          before.disableLocalAuth !== after.disableLocalAuth ||
          before.publicNetworkAccess !== after.publicNetworkAccess
        ) {
          await this.host.setAccess(next.id, {
            disableLocalAuth: after.disableLocalAuth,
            publicNetworkAccess: after.publicNetworkAccess,
          });
        }
      }
    } catch (error) {
      await this.save({ ...next, provisioningState: "Failed" });
      throw new ArmError(
        500,
        "DataPlaneUpdateFailed",
        `The data plane of '${next.name}' could not be updated: ${reasonOf(error)}`,
      );
    }
    return this.save({ ...current, provisioningState: "Succeeded" });
  }

  async restart(record: WebPubSubRecord): Promise<WebPubSubRecord> {
    await this.stopDataPlane(record);
    return this.save({ ...(await this.startDataPlane(record)), provisioningState: "Succeeded" });
  }

  async applyKeys(record: WebPubSubRecord): Promise<void> {
    if (this.isRunning(record)) await this.host.setKeys(record.id, record.keys);
  }

  async applyHubs(record: WebPubSubRecord): Promise<void> {
    if (this.isRunning(record))
      await this.host.setHubs(record.id, hubSettingsMap(await listHubs(this.store, record)));
  }

  /** Background work of a delete: stop the data plane, then remove the resource and its children. */
  async remove(record: WebPubSubRecord): Promise<void> {
    await this.stopDataPlane(record);
    await this.store.transaction(async (tx) => {
      for (const hook of this.hooks) await hook.onDeleting?.(tx, record);
      const key = recordKey(record);
      await tx.deletePrefix(`${key}/`);
      await tx.delete(key);
      const index = await tx.get<{ key: string }>(nameIndexKey(record.name));
      if (index?.value.key === key) await tx.delete(nameIndexKey(record.name));
    });
    for (const hook of this.hooks) await hook.onDeleted?.(record);
  }

  /** Starts the data plane of a resource unless it is running or stopped by its owner. */
  async ensureRunning(
    record: WebPubSubRecord,
    options: { fallbackToFreePorts: boolean } = { fallbackToFreePorts: true },
  ): Promise<WebPubSubRecord> {
    if (this.isRunning(record)) return record;
    if (record.properties.resourceStopped === "true") {
      // Stopped by its owner: nothing to start, but an interrupted operation still ends.
      return terminalStates.has(record.provisioningState)
        ? record
        : this.save({ ...record, provisioningState: "Succeeded" });
    }
    let started: WebPubSubRecord;
    try {
      started = await this.startDataPlane(record);
    } catch (error) {
      if (!options.fallbackToFreePorts) throw error;
      // Its old port may be taken now; any free port beats no data plane.
      this.log("data plane could not get its previous ports; using free ones", {
        id: record.id,
        reason: reasonOf(error),
      });
      started = await this.startDataPlane({
        ...record,
        ports: { http: 0, https: record.ports.https === null ? null : 0 },
      });
    }
    return this.save({ ...started, provisioningState: "Succeeded" });
  }

  /** After a restart: finish interrupted deletes and start the data plane of every resource. */
  async restore(): Promise<RestoreReport> {
    const started: { id: string; httpPort: number; httpsPort: number | null }[] = [];
    const failed: { id: string; reason: string }[] = [];
    for (const record of await listAllWebPubSub(this.store)) {
      try {
        if (record.provisioningState === "Deleting") {
          await this.remove(record);
          continue;
        }
        const current = await this.ensureRunning(record);
        if (this.isRunning(current)) {
          started.push({ id: current.id, httpPort: current.ports.http, httpsPort: current.ports.https });
        }
      } catch (error) {
        failed.push({ id: record.id, reason: reasonOf(error) });
        await this.save({ ...record, provisioningState: "Failed" }).catch(() => undefined);
      }
    }
    return { started, failed };
  }

  /** Stops every running data plane (shutdown). */
  async stopAll(): Promise<void> {
    const ids = [...this.running.values()].map((r) => r.id);
    this.running.clear();
    await Promise.allSettled(ids.map((id) => this.host.stop(id)));
  }
}
