// The Microsoft.Web domain: App Service plans, sites and the sites' private endpoint connections,
// kept durable in the store and mirrored in memory (the site front end reads it on every request
// through the SiteDirectory port). Connection transitions run on timers that are re-armed after a
// restart from their stored due time.
import { randomUUID } from "node:crypto";
import type { SiteDirectory, SiteEntry } from "../../sitefront/siteDirectory.js";
import type { TraceBus } from "../../trace/traceBus.js";
import { planTransition, settle, type RequestedStatus } from "./connectionTransitions.js";
import { findPlanSku } from "./planSkus.js";
import {
  connectionKey,
  planId,
  siteId,
  storeKey,
  type ConnectionOwner,
  type ResourceName,
  type StoredConnection,
  type StoredPlan,
  type StoredSite,
} from "./webModels.js";
import { providerErrors } from "./webErrors.js";
import { buildSiteRecord, siteEntryOf } from "./siteRecord.js";
import { DueTimers } from "./dueTimers.js";
import { storeTypes, type KeyValueReader, type KeyValueStore, type KeyValueWriter } from "./webStore.js";
import {
  asObject,
  checkPlanName,
  checkPlanSku,
  checkSiteName,
  checkTags,
  requireLocation,
} from "./webValidation.js";

export interface WebSiteServiceOptions {
  readonly store: KeyValueStore;
  /** How long a site-side approve, reject or delete of a connection takes. Default 1000 ms. */
  readonly transitionDelayMs?: number;
  readonly trace?: TraceBus;
}

export interface ConnectionChange {
  readonly siteId: string;
  readonly name: string;
  readonly owner: ConnectionOwner | null;
  /** The connection now, or undefined once it is gone. */
  readonly connection: StoredConnection | undefined;
}

export interface NewConnection {
  readonly siteId: string;
  /** Name prefix; a unique suffix is added as App Service does (`{name}-{guid}`). */
  readonly namePrefix: string;
  readonly description: string | null;
  readonly address: string;
  readonly privateEndpointId: string;
  readonly owner: ConnectionOwner | null;
}

/** Runs inside the write's transaction first (e.g. creating the resource group on first use). */
export type WritePreparation = (tx: KeyValueReader & KeyValueWriter, location: string) => Promise<void>;

type Scope = { readonly subscriptionId: string; readonly resourceGroup?: string };

export class WebSiteService implements SiteDirectory {
  private readonly plans = new Map<string, StoredPlan>();
  private readonly sites = new Map<string, StoredSite>();
  /** Site name (lower case) → site key: site names are global, like `*.azurewebsites.net`. */
  private readonly siteNames = new Map<string, string>();
  private readonly connectionsBySite = new Map<string, Map<string, StoredConnection>>();
  private readonly entries = new Map<string, SiteEntry>();
  private readonly timers = new DueTimers();
  private readonly listeners = new Set<(change: ConnectionChange) => void>();
  private readonly transitionDelayMs: number;
  private closed = false;

  private constructor(private readonly options: WebSiteServiceOptions) {
    this.transitionDelayMs = options.transitionDelayMs ?? 1000;
  }

  static async open(options: WebSiteServiceOptions): Promise<WebSiteService> {
    const service = new WebSiteService(options);
    const { store } = options;
    for (const e of await store.list<StoredPlan>({ prefix: "/subscriptions/", type: storeTypes.plan })) {
      service.plans.set(e.key, e.value);
    }
    for (const e of await store.list<StoredSite>({ prefix: "/subscriptions/", type: storeTypes.site })) {
      service.sites.set(e.key, e.value);
      service.siteNames.set(e.value.name.toLowerCase(), e.key);
    }
    for (const e of await store.list<StoredConnection>({
      prefix: "/subscriptions/",
      type: storeTypes.connection,
    })) {
      service.cacheConnection(e.value);
      if (e.value.transitionDueAt !== null) service.schedule(e.value);
    }
    return service;
  }

  // ---- plans ----

  getPlan(id: string): StoredPlan | undefined {
    return this.plans.get(storeKey(id));
  }

  listPlans(scope: Scope): StoredPlan[] {
    return [...this.plans.values()].filter((p) => inScope(p, scope)).sort(byId);
  }

  numberOfSites(plan: StoredPlan): number {
    return [...this.sites.values()].filter((s) => storeKey(s.serverFarmId) === storeKey(plan.id)).length;
  }

  planSupportsPrivateEndpoints(site: StoredSite): boolean {
    const plan = this.getPlan(site.serverFarmId);
    return plan ? (findPlanSku(plan.sku.name)?.supportsPrivateEndpoints ?? false) : false;
  }

  async putPlan(
    name: ResourceName,
    raw: unknown,
    prepare?: WritePreparation,
  ): Promise<{ plan: StoredPlan; created: boolean }> {
    checkPlanName(name.name);
    const body = asObject(raw, "body");
    const id = planId(name);
    const existing = this.getPlan(id);
    const plan: StoredPlan = {
      ...name,
      id: existing?.id ?? id,
      location: requireLocation(body),
      kind: typeof body.kind === "string" ? body.kind : "app",
      tags: checkTags(body.tags),
      sku: checkPlanSku(body.sku),
      properties: { ...asObject(body.properties, "properties") },
    };
    await this.options.store.transaction(async (tx) => {
      await prepare?.(tx, plan.location);
      await tx.put(storeKey(plan.id), storeTypes.plan, plan);
    });
    this.plans.set(storeKey(plan.id), plan);
    this.invalidateAll();
    return { plan, created: !existing };
  }

  async deletePlan(name: ResourceName): Promise<boolean> {
    const plan = this.getPlan(planId(name));
    if (!plan) return false;
    const count = this.numberOfSites(plan);
    if (count > 0) {
      throw providerErrors.conflict(
        "Conflict",
        `Server farm '${plan.name}' cannot be deleted because it has web app(s) assigned to it (${count}). Delete the sites first.`,
      );
    }
    await this.options.store.delete(storeKey(plan.id));
    this.plans.delete(storeKey(plan.id));
    return true;
  }

  // ---- sites ----

  getSite(id: string): StoredSite | undefined {
    return this.sites.get(storeKey(id));
  }

  listSites(scope: Scope): StoredSite[] {
    return [...this.sites.values()].filter((s) => inScope(s, scope)).sort(byId);
  }

  siteExists(name: string): boolean {
    return this.siteNames.has(name.toLowerCase());
  }

  async putSite(
    name: ResourceName,
    raw: unknown,
    prepare?: WritePreparation,
  ): Promise<{ site: StoredSite; created: boolean }> {
    checkSiteName(name.name);
    const body = asObject(raw, "body");
    const id = siteId(name);
    const existing = this.getSite(id);
    const holder = this.siteNames.get(name.name.toLowerCase());
    if (!existing && holder !== undefined) {
      throw providerErrors.conflict("Conflict", `Website with given name ${name.name} already exists.`);
    }
    const site = buildSiteRecord(name, body, existing, (id) => this.getPlan(id));
    await this.options.store.transaction(async (tx) => {
      await prepare?.(tx, site.location);
      await tx.put(storeKey(site.id), storeTypes.site, site);
    });
    this.sites.set(storeKey(site.id), site);
    this.siteNames.set(site.name.toLowerCase(), storeKey(site.id));
    this.entries.delete(site.name.toLowerCase());
    return { site, created: !existing };
  }

  /** PATCH: fields given replace stored ones; location may be omitted. */
  async patchSite(name: ResourceName, raw: unknown): Promise<StoredSite> {
    const existing = this.getSite(siteId(name));
    if (!existing) throw providerErrors.notFound("Microsoft.Web/sites", name.name, name.resourceGroup);
    const body = asObject(raw, "body");
    const merged = { location: existing.location, ...body, tags: body.tags ?? existing.tags };
    return (await this.putSite(name, merged)).site;
  }

  /** The stop / start actions: a stopped site answers App Service's "stopped" page. */
  async setRunState(name: ResourceName, runState: "Running" | "Stopped"): Promise<StoredSite> {
    const existing = this.getSite(siteId(name));
    if (!existing) throw providerErrors.notFound("Microsoft.Web/sites", name.name, name.resourceGroup);
    const site: StoredSite = { ...existing, runState, lastModifiedTimeUtc: new Date().toISOString() };
    await this.options.store.put(storeKey(site.id), storeTypes.site, site);
    this.sites.set(storeKey(site.id), site);
    this.entries.delete(site.name.toLowerCase());
    return site;
  }

  /** Replaces the app settings (the `config/appsettings` resource). */
  async putAppSettings(name: ResourceName, settings: Record<string, string>): Promise<StoredSite> {
    const existing = this.getSite(siteId(name));
    if (!existing) throw providerErrors.notFound("Microsoft.Web/sites", name.name, name.resourceGroup);
    const appSettings = Object.entries(settings).map(([k, v]) => ({ name: k, value: v }));
    return (
      await this.putSite(name, {
        location: existing.location,
        tags: existing.tags,
        properties: { siteConfig: { appSettings } },
      })
    ).site;
  }

  async deleteSite(name: ResourceName): Promise<boolean> {
    const site = this.getSite(siteId(name));
    if (!site) return false;
    const siteKeyValue = storeKey(site.id);
    const removed = [...(this.connectionsBySite.get(siteKeyValue)?.values() ?? [])];
    await this.options.store.transaction(async (tx) => {
      for (const c of removed) await tx.delete(connectionKey(c.siteId, c.name));
      await tx.delete(siteKeyValue);
    });
    for (const c of removed) this.dropConnection(c);
    this.sites.delete(siteKeyValue);
    this.siteNames.delete(site.name.toLowerCase());
    this.entries.delete(site.name.toLowerCase());
    return true;
  }

  // ---- private endpoint connections ----

  connections(siteIdValue: string): StoredConnection[] {
    return [...(this.connectionsBySite.get(storeKey(siteIdValue))?.values() ?? [])].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }

  connection(siteIdValue: string, name: string): StoredConnection | undefined {
    return this.connectionsBySite.get(storeKey(siteIdValue))?.get(name.toLowerCase());
  }

  /** A new Pending connection record (not yet stored: write it with `writeConnection`, then `adopt`). */
  newConnection(input: NewConnection): StoredConnection {
    const site = this.getSite(input.siteId);
    if (!site) throw new Error(`no site ${input.siteId}`);
    const name = `${input.namePrefix}-${randomUUID()}`;
    return {
      id: `${site.id}/privateEndpointConnections/${name}`,
      name,
      siteId: site.id,
      status: "Pending",
      description: input.description,
      actionsRequired: "None",
      provisioningState: "Pending",
      address: input.address,
      privateEndpointId: input.privateEndpointId,
      owner: input.owner,
      transitionDueAt: null,
      changedAt: Date.now(),
    };
  }

  async writeConnection(writer: KeyValueWriter, connection: StoredConnection): Promise<void> {
    await writer.put(connectionKey(connection.siteId, connection.name), storeTypes.connection, connection);
  }

  async deleteConnectionRecord(writer: KeyValueWriter, connection: StoredConnection): Promise<void> {
    await writer.delete(connectionKey(connection.siteId, connection.name));
  }

  /** Takes a stored connection into memory and tells listeners (after the write committed). */
  adopt(connection: StoredConnection): void {
    this.cacheConnection(connection);
    this.emit(connection.siteId, connection.name, connection.owner, connection);
  }

  /** Forgets a connection whose record was deleted (the other side removed it). */
  forget(connection: StoredConnection): void {
    this.dropConnection(connection);
  }

  /**
   * Starts approving or rejecting. Returns the connection in its transitional state and a
   * promise that settles when the transition has completed (null when nothing changes).
   */
  async approveOrReject(
    siteIdValue: string,
    name: string,
    requested: RequestedStatus,
    description: string | null,
  ): Promise<{ connection: StoredConnection; done: Promise<void> | null }> {
    const current = this.requireConnection(siteIdValue, name);
    const plan = planTransition(current, requested);
    const now = Date.now();
    const next: StoredConnection =
      plan.kind === "unchanged"
        ? { ...current, description }
        : {
            ...current,
            status: plan.transitional,
            description,
            provisioningState: "Pending",
            transitionDueAt: now + this.transitionDelayMs,
            changedAt: now,
          };
    await this.writeConnection(this.options.store, next);
    this.adopt(next);
    return { connection: next, done: plan.kind === "unchanged" ? null : this.schedule(next) };
  }

  /** Starts deleting (Disconnecting, then gone). Null when there is no such connection. */
  async beginDeleteConnection(siteIdValue: string, name: string): Promise<{ done: Promise<void> } | null> {
    const current = this.connection(siteIdValue, name);
    if (!current) return null;
    if (current.status === "Disconnecting")
      return { done: this.timers.done(timerKey(current)) ?? Promise.resolve() };
    this.cancel(current);
    const now = Date.now();
    const next: StoredConnection = {
      ...current,
      status: "Disconnecting",
      provisioningState: "Deleting",
      transitionDueAt: now + this.transitionDelayMs,
      changedAt: now,
    };
    await this.writeConnection(this.options.store, next);
    this.adopt(next);
    return { done: this.schedule(next) };
  }

  onConnectionChanged(listener: (change: ConnectionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- SiteDirectory ----

  findSite(name: string): SiteEntry | undefined {
    const cached = this.entries.get(name);
    if (cached) return cached;
    const key = this.siteNames.get(name.toLowerCase());
    const site = key === undefined ? undefined : this.sites.get(key);
    if (!site) return undefined;
    const entry = siteEntryOf(site, this.connections(site.id));
    this.entries.set(entry.name, entry);
    return entry;
  }

  /** Stops the transition timers (the state stays stored and resumes at next open). */
  close(): void {
    this.closed = true;
    this.timers.cancelAll();
  }

  // ---- internals ----

  private requireConnection(siteIdValue: string, name: string): StoredConnection {
    const site = this.getSite(siteIdValue);
    const connection = this.connection(siteIdValue, name);
    if (!site || !connection) {
      throw providerErrors.notFound(
        "Microsoft.Web/sites/privateEndpointConnections",
        `${site?.name ?? "?"}/${name}`,
        site?.resourceGroup ?? "?",
      );
    }
    return connection;
  }

  private schedule(connection: StoredConnection): Promise<void> {
    return this.timers.schedule(timerKey(connection), connection.transitionDueAt ?? 0, () =>
      this.complete(connection),
    );
  }

  private cancel(connection: StoredConnection): void {
    this.timers.cancel(timerKey(connection));
  }

  private async complete(scheduled: StoredConnection): Promise<void> {
    const current = this.connection(scheduled.siteId, scheduled.name);
    if (this.closed || !current || current.status !== scheduled.status) return;
    const settled = settle(current, Date.now());
    try {
      if (settled) await this.writeConnection(this.options.store, settled);
      else await this.deleteConnectionRecord(this.options.store, current);
    } catch (error) {
      this.options.trace?.publish({
        category: "network",
        kind: "privateEndpoint.transition.failed",
        resource: current.siteId,
        details: { connection: current.name, error: (error as Error).message },
      });
      return;
    }
    if (settled) this.adopt(settled);
    else this.dropConnection(current);
  }

  private cacheConnection(connection: StoredConnection): void {
    const key = storeKey(connection.siteId);
    let map = this.connectionsBySite.get(key);
    if (!map) {
      map = new Map();
      this.connectionsBySite.set(key, map);
    }
    map.set(connection.name.toLowerCase(), connection);
    this.invalidateSite(connection.siteId);
  }

  private dropConnection(connection: StoredConnection): void {
    this.cancel(connection);
    this.connectionsBySite.get(storeKey(connection.siteId))?.delete(connection.name.toLowerCase());
    this.invalidateSite(connection.siteId);
    this.emit(connection.siteId, connection.name, connection.owner, undefined);
  }

  private emit(
    siteIdValue: string,
    name: string,
    owner: ConnectionOwner | null,
    connection: StoredConnection | undefined,
  ): void {
    this.options.trace?.publish({
      category: "network",
      kind: connection ? "privateEndpoint.connection" : "privateEndpoint.connection.removed",
      resource: siteIdValue,
      details: { connection: name, status: connection?.status ?? null, owner: owner?.resourceId ?? null },
    });
    for (const listener of this.listeners) listener({ siteId: siteIdValue, name, owner, connection });
  }

  private invalidateSite(siteIdValue: string): void {
    const site = this.getSite(siteIdValue);
    if (site) this.entries.delete(site.name.toLowerCase());
  }

  private invalidateAll(): void {
    this.entries.clear();
  }
}

const timerKey = (c: StoredConnection): string => connectionKey(c.siteId, c.name);

function inScope(r: ResourceName, scope: Scope): boolean {
  return (
    r.subscriptionId.toLowerCase() === scope.subscriptionId.toLowerCase() &&
    (scope.resourceGroup === undefined || r.resourceGroup.toLowerCase() === scope.resourceGroup.toLowerCase())
  );
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id.toLowerCase().localeCompare(b.id.toLowerCase());
}
