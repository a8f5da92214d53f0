// `HubOperations` over this node's connection indexes. Sends go through the fan-out port (so a
// clustered adapter reaches every node); membership, permission and close operations act on the
// connections held here.
import type { Fanout, DeliveryTarget } from "../../fanout/fanout.js";
import type {
  CloseOptions,
  ConnectionPredicate,
  ConnectionView,
  HubOperations,
  SendOptions,
} from "../domain/hubOperations.js";
import type { DataMessage, Permission } from "../domain/messages.js";
import type { ClientConnection } from "./clientConnection.js";
import type { ConnectionRegistry } from "./connectionRegistry.js";

/** Close code and reason for connections closed through the REST API. */
const closedByServerCode = 1000;
const defaultCloseReason = "ClosedByAppServer";

export class LocalHubOperations implements HubOperations {
  readonly hub: string;

  constructor(
    hub: string,
    private readonly registry: ConnectionRegistry,
    private readonly fanout: Fanout,
  ) {
    this.hub = hub.toLowerCase();
  }

  private publish(target: DeliveryTarget, message: DataMessage, options?: SendOptions): Promise<void> {
    return this.fanout.publish({
      hub: this.hub,
      target,
      message,
      ...(options?.excluded ? { excluded: options.excluded } : {}),
      ...(options?.filter ? { filter: options.filter } : {}),
      ...(options?.filterText !== undefined ? { filterText: options.filterText } : {}),
      ...(options?.ttlSeconds ? { ttlSeconds: options.ttlSeconds } : {}),
    });
  }

  sendToAll(message: DataMessage, options?: SendOptions): Promise<void> {
    return this.publish({ kind: "all" }, message, options);
  }

  sendToGroup(group: string, message: DataMessage, options?: SendOptions): Promise<void> {
    return this.publish({ kind: "group", group }, message, options);
  }

  sendToUser(userId: string, message: DataMessage, options?: SendOptions): Promise<void> {
    return this.publish({ kind: "user", userId }, message, options);
  }

  sendToConnection(connectionId: string, message: DataMessage, options?: SendOptions): Promise<void> {
    return this.publish({ kind: "connection", connectionId }, message, options);
  }

  private connection(connectionId: string): ClientConnection | undefined {
    return this.registry.find(this.hub, connectionId);
  }

  private all(): ClientConnection[] {
    return [...(this.registry.existing(this.hub)?.connections.values() ?? [])];
  }

  async connectionExists(connectionId: string): Promise<boolean> {
    return this.connection(connectionId) !== undefined;
  }

  async groupExists(group: string): Promise<boolean> {
    return (this.registry.existing(this.hub)?.groupMembers(group).size ?? 0) > 0;
  }

  async userExists(userId: string): Promise<boolean> {
    return (this.registry.existing(this.hub)?.userConnections(userId).size ?? 0) > 0;
  }

  private closeEach(connections: Iterable<ClientConnection>, options?: CloseOptions): void {
    const excluded = new Set(options?.excluded ?? []);
    const reason = options?.reason || defaultCloseReason;
    for (const connection of [...connections]) {
      if (excluded.has(connection.connectionId)) continue;
      this.registry.end(connection, { code: closedByServerCode, reason, tellClient: true });
    }
  }

  async closeConnection(connectionId: string, reason?: string): Promise<void> {
    const connection = this.connection(connectionId);
    if (connection) this.closeEach([connection], reason === undefined ? {} : { reason });
  }

  async closeAllConnections(options?: CloseOptions): Promise<void> {
    this.closeEach(this.all(), options);
  }

  async closeGroupConnections(group: string, options?: CloseOptions): Promise<void> {
    this.closeEach(this.registry.existing(this.hub)?.groupMembers(group) ?? [], options);
  }

  async closeUserConnections(userId: string, options?: CloseOptions): Promise<void> {
    this.closeEach(this.registry.existing(this.hub)?.userConnections(userId) ?? [], options);
  }

  async addConnectionToGroup(connectionId: string, group: string): Promise<boolean> {
    const connection = this.connection(connectionId);
    if (!connection) return false;
    this.registry.hub(this.hub).join(connection, group);
    return true;
  }

  async removeConnectionFromGroup(connectionId: string, group: string): Promise<void> {
    const connection = this.connection(connectionId);
    if (connection) this.registry.hub(this.hub).leave(connection, group);
  }

  async removeConnectionFromAllGroups(connectionId: string): Promise<void> {
    const connection = this.connection(connectionId);
    if (connection) this.registry.hub(this.hub).leaveAll(connection);
  }

  async addUserToGroup(userId: string, group: string): Promise<boolean> {
    const index = this.registry.existing(this.hub);
    const connections = [...(index?.userConnections(userId) ?? [])];
    if (!index || connections.length === 0) return false;
    for (const connection of connections) index.join(connection, group);
    return true;
  }

  async removeUserFromGroup(userId: string, group: string): Promise<void> {
    const index = this.registry.existing(this.hub);
    for (const connection of [...(index?.userConnections(userId) ?? [])]) index?.leave(connection, group);
  }

  async removeUserFromAllGroups(userId: string): Promise<void> {
    const index = this.registry.existing(this.hub);
    for (const connection of [...(index?.userConnections(userId) ?? [])]) index?.leaveAll(connection);
  }

  async addConnectionsToGroups(groups: readonly string[], filter?: ConnectionPredicate): Promise<void> {
    const index = this.registry.existing(this.hub);
    if (!index) return;
    for (const connection of this.all()) {
      if (filter && !filter(connection)) continue;
      for (const group of groups) index.join(connection, group);
    }
  }

  async removeConnectionsFromGroups(groups: readonly string[], filter?: ConnectionPredicate): Promise<void> {
    const index = this.registry.existing(this.hub);
    if (!index) return;
    for (const connection of this.all()) {
      if (filter && !filter(connection)) continue;
      for (const group of groups) index.leave(connection, group);
    }
  }

  async grantPermission(connectionId: string, permission: Permission, targetName?: string): Promise<boolean> {
    const connection = this.connection(connectionId);
    if (!connection) return false;
    connection.permissions.grant(permission, targetName);
    return true;
  }

  async revokePermission(connectionId: string, permission: Permission, targetName?: string): Promise<void> {
    this.connection(connectionId)?.permissions.revoke(permission, targetName);
  }

  async hasPermission(connectionId: string, permission: Permission, targetName?: string): Promise<boolean> {
    return this.connection(connectionId)?.permissions.has(permission, targetName) ?? false;
  }

  async listGroupConnections(group: string): Promise<ConnectionView[]> {
    const members = [...(this.registry.existing(this.hub)?.groupMembers(group) ?? [])];
    return members
      .sort((a, b) => (a.connectionId < b.connectionId ? -1 : a.connectionId > b.connectionId ? 1 : 0))
      .map((connection) => ({
        connectionId: connection.connectionId,
        userId: connection.userId,
        groups: new Set(connection.groupNames()),
        protocol: connection.protocol,
      }));
  }
}
