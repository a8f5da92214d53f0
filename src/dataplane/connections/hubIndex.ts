// The connections of one hub on this node, indexed by id, group and user id so that sends and
// membership changes touch only the connections they concern.
import type { ClientConnection } from "./clientConnection.js";

export class HubIndex {
  readonly connections = new Map<string, ClientConnection>();
  private readonly groups = new Map<string, Set<ClientConnection>>();
  private readonly users = new Map<string, Set<ClientConnection>>();

  constructor(readonly hub: string) {}

  add(connection: ClientConnection): void {
    this.connections.set(connection.connectionId, connection);
    if (connection.userId !== null) addTo(this.users, connection.userId, connection);
  }

  /** Removes the connection and its group memberships. */
  remove(connection: ClientConnection): void {
    if (this.connections.get(connection.connectionId) !== connection) return;
    this.connections.delete(connection.connectionId);
    if (connection.userId !== null) removeFrom(this.users, connection.userId, connection);
    for (const group of connection.groupNames()) removeFrom(this.groups, group, connection);
    connection.clearGroups();
  }

  join(connection: ClientConnection, group: string): void {
    if (!connection.addGroup(group)) return;
    addTo(this.groups, group, connection);
  }

  leave(connection: ClientConnection, group: string): void {
    if (!connection.removeGroup(group)) return;
    removeFrom(this.groups, group, connection);
  }

  leaveAll(connection: ClientConnection): void {
    for (const group of [...connection.groupNames()]) this.leave(connection, group);
  }

  groupMembers(group: string): ReadonlySet<ClientConnection> {
    return this.groups.get(group) ?? noConnections;
  }

  userConnections(userId: string): ReadonlySet<ClientConnection> {
    return this.users.get(userId) ?? noConnections;
  }

  get isEmpty(): boolean {
    return this.connections.size === 0;
  }
}

const noConnections: ReadonlySet<ClientConnection> = new Set();

function addTo(map: Map<string, Set<ClientConnection>>, key: string, connection: ClientConnection): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(connection);
}

function removeFrom(
  map: Map<string, Set<ClientConnection>>,
  key: string,
  connection: ClientConnection,
): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(connection);
  if (set.size === 0) map.delete(key);
}
