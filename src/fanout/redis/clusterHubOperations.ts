// `HubOperations` over the connections of every node of a clustered resource. Sends go through
// the node's own operations (which publish through the Redis fan-out to every node); every other
// operation is asked of all nodes at once (scatter), each node runs it on the connections it
// holds, and the answers are combined (gather): "does it exist" is true when any node says so,
// listings are merged, and plain commands complete when every node has run them.
import type {
  CloseOptions,
  ConnectionPredicate,
  ConnectionView,
  HubOperations,
  SendOptions,
} from "../../dataplane/domain/hubOperations.js";
import type { DataMessage, Permission } from "../../dataplane/domain/messages.js";

/** Runs `operation(...args)` of `hub` on every node; resolves with each node's result. */
export type ScatterRequest = (hub: string, operation: string, args: readonly unknown[]) => Promise<unknown[]>;

/** A connection listing as it crosses nodes (a Set does not survive JSON). */
interface ConnectionViewWire {
  readonly connectionId: string;
  readonly userId: string | null;
  readonly groups: readonly string[];
  readonly protocol: string | null;
}

/** What each operation's answers combine into. */
const gatherRules = {
  connectionExists: "any",
  groupExists: "any",
  userExists: "any",
  hasPermission: "any",
  addConnectionToGroup: "any",
  addUserToGroup: "any",
  grantPermission: "any",
  closeConnection: "all",
  closeAllConnections: "all",
  closeGroupConnections: "all",
  closeUserConnections: "all",
  removeConnectionFromGroup: "all",
  removeConnectionFromAllGroups: "all",
  removeUserFromGroup: "all",
  removeUserFromAllGroups: "all",
  addConnectionsToGroups: "all",
  removeConnectionsFromGroups: "all",
  revokePermission: "all",
  listGroupConnections: "list",
} as const;

export type ClusterOperation = keyof typeof gatherRules;

export function isClusterOperation(name: string): name is ClusterOperation {
  return Object.prototype.hasOwnProperty.call(gatherRules, name);
}

/** The bulk group operations, whose filter crosses nodes as its OData text. */
const filteredBulkOperations = new Set<ClusterOperation>([
  "addConnectionsToGroups",
  "removeConnectionsFromGroups",
]);

/**
 * Runs a request from another node on this node's connections; the answer must survive JSON.
 * `compileFilter` turns the OData text of a filtered bulk group operation into a predicate again.
 */
export async function runClusterOperation(
  local: HubOperations,
  operation: ClusterOperation,
  args: readonly unknown[],
  compileFilter: (text: string) => ConnectionPredicate,
): Promise<unknown> {
  // JSON turned absent optional arguments into null; no operation takes a null argument.
  let values = args.map((value) => (value === null ? undefined : value));
  if (filteredBulkOperations.has(operation)) {
    // On the wire: [groups, filterText?]; locally: (groups, predicate, filterText).
    const [groups, filterText] = values;
    values = typeof filterText === "string" ? [groups, compileFilter(filterText), filterText] : [groups];
  }
  // The arguments were produced by ClusterHubOperations for this very method.
  const method = local[operation] as (...values: unknown[]) => Promise<unknown>;
  const result = await method.apply(local, values);
  if (operation !== "listGroupConnections") return result;
  return (result as ConnectionView[]).map((view): ConnectionViewWire => ({
    connectionId: view.connectionId,
    userId: view.userId,
    groups: [...view.groups],
    protocol: view.protocol,
  }));
}

function refuseFilter(operation: string): Error {
  // A compiled predicate cannot cross processes; only its source text can.
  return new Error(`${operation} with an OData filter needs the filter's text to reach other wpslink nodes`);
}

export class ClusterHubOperations implements HubOperations {
  readonly hub: string;

  constructor(
    private readonly local: HubOperations,
    private readonly scatter: ScatterRequest,
  ) {
    this.hub = local.hub;
  }

  private async gather(operation: ClusterOperation, ...args: unknown[]): Promise<unknown[]> {
    return this.scatter(this.hub, operation, args);
  }

  private async any(operation: ClusterOperation, ...args: unknown[]): Promise<boolean> {
    return (await this.gather(operation, ...args)).some((answer) => answer === true);
  }

  private async all(operation: ClusterOperation, ...args: unknown[]): Promise<void> {
    await this.gather(operation, ...args);
  }

  // Sends: the local operations publish through the fan-out, which reaches every node.
  sendToAll(message: DataMessage, options?: SendOptions): Promise<void> {
    return this.local.sendToAll(message, options);
  }
  sendToGroup(group: string, message: DataMessage, options?: SendOptions): Promise<void> {
    return this.local.sendToGroup(group, message, options);
  }
  sendToUser(userId: string, message: DataMessage, options?: SendOptions): Promise<void> {
    return this.local.sendToUser(userId, message, options);
  }
  sendToConnection(connectionId: string, message: DataMessage, options?: SendOptions): Promise<void> {
    return this.local.sendToConnection(connectionId, message, options);
  }

  connectionExists(connectionId: string): Promise<boolean> {
    return this.any("connectionExists", connectionId);
  }
  groupExists(group: string): Promise<boolean> {
    return this.any("groupExists", group);
  }
  userExists(userId: string): Promise<boolean> {
    return this.any("userExists", userId);
  }

  closeConnection(connectionId: string, reason?: string): Promise<void> {
    return this.all("closeConnection", connectionId, reason);
  }
  closeAllConnections(options?: CloseOptions): Promise<void> {
    return this.all("closeAllConnections", options);
  }
  closeGroupConnections(group: string, options?: CloseOptions): Promise<void> {
    return this.all("closeGroupConnections", group, options);
  }
  closeUserConnections(userId: string, options?: CloseOptions): Promise<void> {
    return this.all("closeUserConnections", userId, options);
  }

  addConnectionToGroup(connectionId: string, group: string): Promise<boolean> {
    return this.any("addConnectionToGroup", connectionId, group);
  }
  removeConnectionFromGroup(connectionId: string, group: string): Promise<void> {
    return this.all("removeConnectionFromGroup", connectionId, group);
  }
  removeConnectionFromAllGroups(connectionId: string): Promise<void> {
    return this.all("removeConnectionFromAllGroups", connectionId);
  }
  addUserToGroup(userId: string, group: string): Promise<boolean> {
    return this.any("addUserToGroup", userId, group);
  }
  removeUserFromGroup(userId: string, group: string): Promise<void> {
    return this.all("removeUserFromGroup", userId, group);
  }
  removeUserFromAllGroups(userId: string): Promise<void> {
    return this.all("removeUserFromAllGroups", userId);
  }
  // A filter crosses nodes as its text; each node compiles it and runs it on its own connections.
  addConnectionsToGroups(
    groups: readonly string[],
    filter?: ConnectionPredicate,
    filterText?: string,
  ): Promise<void> {
    if (!filter) return this.all("addConnectionsToGroups", groups);
    if (filterText === undefined) return Promise.reject(refuseFilter("addConnectionsToGroups"));
    return this.all("addConnectionsToGroups", groups, filterText);
  }
  removeConnectionsFromGroups(
    groups: readonly string[],
    filter?: ConnectionPredicate,
    filterText?: string,
  ): Promise<void> {
    if (!filter) return this.all("removeConnectionsFromGroups", groups);
    if (filterText === undefined) return Promise.reject(refuseFilter("removeConnectionsFromGroups"));
    return this.all("removeConnectionsFromGroups", groups, filterText);
  }

  grantPermission(connectionId: string, permission: Permission, targetName?: string): Promise<boolean> {
    return this.any("grantPermission", connectionId, permission, targetName);
  }
  revokePermission(connectionId: string, permission: Permission, targetName?: string): Promise<void> {
    return this.all("revokePermission", connectionId, permission, targetName);
  }
  hasPermission(connectionId: string, permission: Permission, targetName?: string): Promise<boolean> {
    return this.any("hasPermission", connectionId, permission, targetName);
  }

  async listGroupConnections(group: string): Promise<ConnectionView[]> {
    const answers = (await this.gather("listGroupConnections", group)) as ConnectionViewWire[][];
    return answers
      .flat()
      .map((view) => ({ ...view, groups: new Set(view.groups) }))
      .sort((a, b) => (a.connectionId < b.connectionId ? -1 : a.connectionId > b.connectionId ? 1 : 0));
  }
}
