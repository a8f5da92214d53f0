// The operations a hub offers to the REST API and to upstream replies. The connection
// manager implements it; REST handlers, the events dispatcher and a clustered fan-out adapter
// call it. Methods are async so a clustered implementation can reach other nodes.
import type { DataMessage, Permission } from "./messages.js";

/** A connection as seen by filters and listings. */
export interface ConnectionView {
  readonly connectionId: string;
  readonly userId: string | null;
  readonly groups: ReadonlySet<string>;
  /** Negotiated subprotocol, or null for plain WebSocket clients. */
  readonly protocol: string | null;
}

/** A compiled OData filter (see `dataplane/rest/odata`). */
export type ConnectionPredicate = (connection: ConnectionView) => boolean;

export interface SendOptions {
  readonly excluded?: readonly string[];
  readonly filter?: ConnectionPredicate;
  /**
   * The OData source text `filter` was compiled from. A clustered fan-out sends this text to the
   * other nodes, which compile it again (a compiled predicate cannot cross processes).
   */
  readonly filterText?: string;
  /** 0–300; 0 or absent means no expiry. */
  readonly ttlSeconds?: number;
}

export interface CloseOptions {
  readonly excluded?: readonly string[];
  readonly reason?: string;
}

export interface HubOperations {
  readonly hub: string;
  sendToAll(message: DataMessage, options?: SendOptions): Promise<void>;
  sendToGroup(group: string, message: DataMessage, options?: SendOptions): Promise<void>;
  sendToUser(userId: string, message: DataMessage, options?: SendOptions): Promise<void>;
  sendToConnection(connectionId: string, message: DataMessage, options?: SendOptions): Promise<void>;

  connectionExists(connectionId: string): Promise<boolean>;
  groupExists(group: string): Promise<boolean>;
  userExists(userId: string): Promise<boolean>;

  closeConnection(connectionId: string, reason?: string): Promise<void>;
  closeAllConnections(options?: CloseOptions): Promise<void>;
  closeGroupConnections(group: string, options?: CloseOptions): Promise<void>;
  closeUserConnections(userId: string, options?: CloseOptions): Promise<void>;

  /** False when the connection does not exist. */
  addConnectionToGroup(connectionId: string, group: string): Promise<boolean>;
  removeConnectionFromGroup(connectionId: string, group: string): Promise<void>;
  removeConnectionFromAllGroups(connectionId: string): Promise<void>;
  /** False when the user has no connection. */
  addUserToGroup(userId: string, group: string): Promise<boolean>;
  removeUserFromGroup(userId: string, group: string): Promise<void>;
  removeUserFromAllGroups(userId: string): Promise<void>;
  /**
   * Bulk operations; no filter selects every connection of the hub. `filterText` is the OData
   * source of `filter`, needed by a clustered implementation to run the filter on other nodes.
   */
  addConnectionsToGroups(
    groups: readonly string[],
    filter?: ConnectionPredicate,
    filterText?: string,
  ): Promise<void>;
  removeConnectionsFromGroups(
    groups: readonly string[],
    filter?: ConnectionPredicate,
    filterText?: string,
  ): Promise<void>;

  /** False when the connection does not exist. `targetName` = a group; absent = all groups. */
  grantPermission(connectionId: string, permission: Permission, targetName?: string): Promise<boolean>;
  revokePermission(connectionId: string, permission: Permission, targetName?: string): Promise<void>;
  hasPermission(connectionId: string, permission: Permission, targetName?: string): Promise<boolean>;

  /** Connections of a group ordered by connection id. */
  listGroupConnections(group: string): Promise<ConnectionView[]>;
}
