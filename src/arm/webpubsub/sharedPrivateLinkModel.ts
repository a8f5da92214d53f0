// Shared private link resources (outbound private endpoints of a Web PubSub resource): what is
// stored, the ARM body, and the parent the domain needs to know about. Shape: reference §3.2.

export type SharedPrivateLinkProvisioningState =
  "Creating" | "Updating" | "Succeeded" | "Failed" | "Deleting";
export type SharedPrivateLinkStatus = "Pending" | "Approved" | "Rejected" | "Disconnected" | "Timeout";

export interface SharedPrivateLinkRecord {
  readonly id: string;
  readonly name: string;
  /** The parent Web PubSub resource id. */
  readonly resourceId: string;
  readonly groupId: string;
  readonly privateLinkResourceId: string;
  readonly requestMessage: string;
  readonly provisioningState: SharedPrivateLinkProvisioningState;
  readonly status: SharedPrivateLinkStatus;
  /** The managed VNet number and the endpoint's address in it. */
  readonly vnetIndex: number;
  readonly address: string;
  /** Name of the connection it created on the target site (null until created, or after a disconnect). */
  readonly connectionName: string | null;
}

/** What the domain needs of the parent Web PubSub resource (read from the store). */
export interface WebPubSubParent {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly sku: { readonly name: string; readonly tier: string };
  readonly provisioningState?: string;
}

export const sharedPrivateLinkArmType = "Microsoft.SignalRService/WebPubSub/sharedPrivateLinkResources";

export function sharedPrivateLinkKey(parentId: string, name: string): string {
  return `${parentId}/sharedPrivateLinkResources/${name}`.toLowerCase();
}

export function sharedPrivateLinkBody(record: SharedPrivateLinkRecord): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    type: sharedPrivateLinkArmType,
    properties: {
      groupId: record.groupId,
      privateLinkResourceId: record.privateLinkResourceId,
      requestMessage: record.requestMessage,
      provisioningState: record.provisioningState,
      status: record.status,
    },
  };
}

/** Shareable private link resource types of Web PubSub (reference §3.6). */
export const shareableTypes: readonly { groupId: string; type: string; emulated: boolean }[] = [
  { groupId: "sites", type: "Microsoft.Web/sites", emulated: true },
  { groupId: "vault", type: "Microsoft.KeyVault/vaults", emulated: false },
  { groupId: "table", type: "Microsoft.Storage/storageAccounts", emulated: false },
];
