// The emulated private network of all Web PubSub resources: one managed VNet per resource (its
// address plan, its private endpoints and its private DNS zone) and name resolution as seen from
// inside a resource. It is an in-memory projection; the ARM providers that own the durable state
// (shared private link resources, site connections) rebuild it at start through the same calls.
import { EventEmitter } from "node:events";
import {
  maxPrivateEndpointsPerVnet,
  maxVnetIndex,
  privateEndpointAddress,
  privateEndpointSlot,
  siteFrontPublicAddress,
  vnetAddresses,
  vnetIndexOf,
  type VnetAddresses,
} from "./addressPlan.js";
import { PrivateDnsZone, recordsFor, siteDomain, siteNameOfHost, type DnsRecord } from "./privateDnsZone.js";

/** The state of a private endpoint as its owning resource sees it (after propagation). */
export type PrivateEndpointStatus = "Pending" | "Approved" | "Rejected" | "Disconnected";

export interface PrivateEndpoint {
  /** Name of the shared private link resource that created it. */
  readonly name: string;
  readonly resourceId: string;
  readonly targetResourceId: string;
  readonly siteName: string;
  readonly groupId: string;
  readonly address: string;
  readonly status: PrivateEndpointStatus;
}

export interface ManagedVnet {
  readonly resourceId: string;
  readonly addresses: VnetAddresses;
  readonly dnsZone: PrivateDnsZone;
  endpoints(): PrivateEndpoint[];
}

export type Resolution =
  | {
      readonly found: true;
      readonly host: string;
      /** `direct`: not an emulated name; `public`: the site's public address; `private`: a private endpoint. */
      readonly path: "direct" | "public" | "private";
      readonly address: string;
      readonly records: readonly DnsRecord[];
      readonly siteName?: string;
      readonly privateEndpoint?: PrivateEndpoint;
      readonly reason: string;
    }
  | { readonly found: false; readonly host: string; readonly reason: string };

export interface ManagedNetworkOptions {
  /** Whether a site of that (lower-case) name exists; unknown sites do not resolve. Default: all exist. */
  readonly siteExists?: (siteName: string) => boolean;
}

interface VnetState extends ManagedVnet {
  readonly byName: Map<string, PrivateEndpoint>;
}

const key = (resourceId: string): string => resourceId.toLowerCase();

/** FNV-1a of the lower-case id: a stable first choice of VNet number for a resource. */
function preferredIndex(resourceId: string): number {
  let hash = 0x811c9dc5;
  for (const ch of key(resourceId)) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 1 + (hash % maxVnetIndex);
}

export class ManagedNetwork {
  private readonly vnets = new Map<string, VnetState>();
  private readonly byIndex = new Map<number, VnetState>();
  private readonly changes = new EventEmitter();

  constructor(private readonly options: ManagedNetworkOptions = {}) {
    this.changes.setMaxListeners(0);
  }

  /**
   * The VNet of a resource, created on first use. `index` pins its number (restoring state that
   * already handed out addresses); otherwise a stable number derived from the id is used, or the
   * next free one.
   */
  attachResource(resourceId: string, index?: number): ManagedVnet {
    const existing = this.vnets.get(key(resourceId));
    if (existing) {
      if (index !== undefined && existing.addresses.index !== index) {
        throw new Error(`${resourceId} already has VNet ${existing.addresses.index}, not ${index}`);
      }
      return existing;
    }
    const chosen = index ?? this.freeIndex(preferredIndex(resourceId));
    const holder = this.byIndex.get(chosen);
    if (holder) throw new Error(`VNet ${chosen} already belongs to ${holder.resourceId}`);
    const byName = new Map<string, PrivateEndpoint>();
    const vnet: VnetState = {
      resourceId,
      addresses: vnetAddresses(chosen),
      dnsZone: new PrivateDnsZone(),
      byName,
      endpoints: () => [...byName.values()],
    };
    this.vnets.set(key(resourceId), vnet);
    this.byIndex.set(chosen, vnet);
    return vnet;
  }

  /** Forgets a resource's VNet (the resource was deleted). */
  detachResource(resourceId: string): void {
    const vnet = this.vnets.get(key(resourceId));
    if (!vnet) return;
    this.vnets.delete(key(resourceId));
    this.byIndex.delete(vnet.addresses.index);
    this.changes.emit(key(resourceId));
  }

  vnet(resourceId: string): ManagedVnet | undefined {
    return this.vnets.get(key(resourceId));
  }

  vnetByIndex(index: number): ManagedVnet | undefined {
    return this.byIndex.get(index);
  }

  /**
   * Creates the private endpoint of a shared private link resource (status Pending). `address`
   * restores a known address; otherwise the lowest free one is taken. Re-adding an existing name
   * returns it unchanged.
   */
  addPrivateEndpoint(
    resourceId: string,
    endpoint: { name: string; targetResourceId: string; siteName: string; groupId: string; address?: string },
  ): PrivateEndpoint {
    const vnet = this.attachResource(resourceId) as VnetState;
    const existing = vnet.byName.get(endpoint.name.toLowerCase());
    if (existing) return existing;
    const index = vnet.addresses.index;
    let address = endpoint.address;
    if (address !== undefined) {
      if (privateEndpointSlot(index, address) === undefined) {
        throw new Error(
          `${address} is not a private endpoint address of VNet ${vnet.addresses.addressSpace}`,
        );
      }
      if (vnet.endpoints().some((e) => e.address === address))
        throw new Error(`${address} is already in use`);
    } else {
      const used = new Set(vnet.endpoints().map((e) => e.address));
      for (let slot = 0; slot < maxPrivateEndpointsPerVnet && address === undefined; slot++) {
        const candidate = privateEndpointAddress(index, slot);
        if (!used.has(candidate)) address = candidate;
      }
      if (address === undefined) throw new Error(`VNet ${vnet.addresses.addressSpace} has no free address`);
    }
    const created: PrivateEndpoint = {
      name: endpoint.name,
      resourceId: vnet.resourceId,
      targetResourceId: endpoint.targetResourceId,
      siteName: endpoint.siteName.toLowerCase(),
      groupId: endpoint.groupId,
      address,
      status: "Pending",
    };
    vnet.byName.set(endpoint.name.toLowerCase(), created);
    return created;
  }

  privateEndpoint(resourceId: string, name: string): PrivateEndpoint | undefined {
    return this.vnets.get(key(resourceId))?.byName.get(name.toLowerCase());
  }

  /**
   * Records the status the resource now sees for its endpoint. Approved puts the site's records
   * in the VNet's private DNS zone; any other status takes them out. Route listeners hear of it.
   */
  setPrivateEndpointStatus(resourceId: string, name: string, status: PrivateEndpointStatus): PrivateEndpoint {
    const vnet = this.vnets.get(key(resourceId));
    const current = vnet?.byName.get(name.toLowerCase());
    if (!vnet || !current) throw new Error(`no private endpoint ${name} in the VNet of ${resourceId}`);
    const updated: PrivateEndpoint = { ...current, status };
    vnet.byName.set(name.toLowerCase(), updated);
    this.syncZone(vnet, current.siteName);
    if (current.status !== status) this.changes.emit(key(resourceId));
    return updated;
  }

  removePrivateEndpoint(resourceId: string, name: string): void {
    const vnet = this.vnets.get(key(resourceId));
    const current = vnet?.byName.get(name.toLowerCase());
    if (!vnet || !current) return;
    vnet.byName.delete(name.toLowerCase());
    this.syncZone(vnet, current.siteName);
    this.changes.emit(key(resourceId));
  }

  /** Hears every change that can alter a route taken from `resourceId`. */
  onRoutesChanged(resourceId: string, listener: () => void): () => void {
    const event = key(resourceId);
    this.changes.on(event, listener);
    return () => this.changes.off(event, listener);
  }

  /** How `host` resolves from inside `resourceId` (or from outside any VNet when undefined). */
  resolve(resourceId: string | undefined, host: string): Resolution {
    const siteName = siteNameOfHost(host);
    if (siteName === undefined) {
      return {
        found: true,
        host,
        path: "direct",
        address: host,
        records: [],
        reason: "not an emulated name",
      };
    }
    if (this.options.siteExists && !this.options.siteExists(siteName)) {
      return { found: false, host, reason: `no site named ${siteName} exists (${host} does not resolve)` };
    }
    const vnet = resourceId === undefined ? undefined : this.vnets.get(key(resourceId));
    const address = vnet?.dnsZone.addressOf(siteName);
    const endpoint = vnet && address ? vnet.endpoints().find((e) => e.address === address) : undefined;
    if (vnet && address && endpoint) {
      return {
        found: true,
        host,
        path: "private",
        address,
        records: recordsFor(siteName, address),
        siteName,
        privateEndpoint: endpoint,
        reason: `approved shared private endpoint ${endpoint.name} in ${vnet.addresses.addressSpace}`,
      };
    }
    const pending = vnet?.endpoints().find((e) => e.siteName === siteName);
    return {
      found: true,
      host,
      path: "public",
      address: siteFrontPublicAddress,
      records: [{ name: `${siteName}.${siteDomain}`, type: "A", value: siteFrontPublicAddress }],
      siteName,
      reason: pending
        ? `shared private endpoint ${pending.name} is ${pending.status}, so the public address is used`
        : "no shared private endpoint to this site",
    };
  }

  /** The resource whose VNet holds `address` (a 10.n.x.y label), if any. */
  resourceOfAddress(address: string): string | undefined {
    const index = vnetIndexOf(address);
    return index === undefined ? undefined : this.byIndex.get(index)?.resourceId;
  }

  private syncZone(vnet: VnetState, siteName: string): void {
    const approved = vnet.endpoints().find((e) => e.siteName === siteName && e.status === "Approved");
    if (approved) vnet.dnsZone.setSite(siteName, approved.address);
    else vnet.dnsZone.removeSite(siteName);
  }

  private freeIndex(start: number): number {
    for (let i = 0; i < maxVnetIndex; i++) {
      const candidate = ((start - 1 + i) % maxVnetIndex) + 1;
      if (!this.byIndex.has(candidate)) return candidate;
    }
    throw new Error(`all ${maxVnetIndex} managed VNets are in use`);
  }
}
