// What one connection may do with groups: built from its roles (token or `connect` response),
// changed at run time by the REST permission API. A role without a group grants every group; a
// group-scoped role one group; a wildcard role the groups its pattern matches. Revoking one
// group overrides a broader grant for that group until it is granted again; revoking without a
// group removes every grant of that permission.
import type { Permission } from "../domain/messages.js";
import { compileGroupPattern } from "./groupPattern.js";

/** Grants of one permission; the collections are made on first use (most connections have none). */
interface PermissionGrants {
  all: boolean;
  groups?: Set<string>;
  patterns?: Map<string, (group: string) => boolean>;
  denied?: Set<string>;
}

/**
 * The grants of a role without a group (every group), shared by every connection that has only
 * that: copied before any change (see `grantsOf`), so it costs a connection nothing.
 */
const everyGroup: PermissionGrants = Object.freeze({ all: true }) as PermissionGrants;

const rolePrefixes: ReadonlyArray<readonly [string, Permission, "one" | "pattern"]> = [
  ["webpubsub.joinLeaveGroups.", "joinLeaveGroup", "pattern"],
  ["webpubsub.sendToGroups.", "sendToGroup", "pattern"],
  ["webpubsub.joinLeaveGroup.", "joinLeaveGroup", "one"],
  ["webpubsub.sendToGroup.", "sendToGroup", "one"],
];

export class ConnectionPermissions {
  private joinLeaveGroup: PermissionGrants | undefined;
  private sendToGroup: PermissionGrants | undefined;

  /** Roles this connection was given; unknown roles grant nothing. */
  constructor(roles: readonly string[]) {
    for (const role of roles) this.addRole(role);
  }

  /** The connection's own (changeable) grants of a permission. */
  private grantsOf(permission: Permission): PermissionGrants {
    const current = this[permission];
    if (current !== undefined && current !== everyGroup) return current;
    const own: PermissionGrants = { all: current === everyGroup };
    this[permission] = own;
    return own;
  }

  private addRole(role: string): void {
    if (role === "webpubsub.joinLeaveGroup" || role === "webpubsub.sendToGroup") {
      const permission = role === "webpubsub.joinLeaveGroup" ? "joinLeaveGroup" : "sendToGroup";
      if (this[permission] === undefined) this[permission] = everyGroup;
      else this.grantsOf(permission).all = true;
      return;
    }
    for (const [prefix, permission, kind] of rolePrefixes) {
      if (!role.startsWith(prefix)) continue;
      const target = role.slice(prefix.length);
      if (target.length === 0) return;
      const grants = this.grantsOf(permission);
      if (kind === "one") {
        (grants.groups ??= new Set()).add(target);
      } else {
        const matcher = compileGroupPattern(target);
        // An invalid pattern grants nothing, like any other role the service does not know.
        if (typeof matcher !== "string") (grants.patterns ??= new Map()).set(target, matcher);
      }
      return;
    }
  }

  /** Without `group`: whether the permission covers every group. */
  has(permission: Permission, group?: string): boolean {
    const grants = this[permission];
    if (!grants) return false;
    if (group === undefined) return grants.all && !grants.denied?.size;
    if (grants.denied?.has(group)) return false;
    if (grants.all || grants.groups?.has(group)) return true;
    for (const matches of grants.patterns?.values() ?? []) if (matches(group)) return true;
    return false;
  }

  grant(permission: Permission, group?: string): void {
    const grants = this.grantsOf(permission);
    if (group === undefined) {
      grants.all = true;
      grants.denied = undefined;
      return;
    }
    grants.denied?.delete(group);
    (grants.groups ??= new Set()).add(group);
  }

  revoke(permission: Permission, group?: string): void {
    if (group === undefined) {
      this[permission] = undefined;
      return;
    }
    const grants = this[permission];
    if (!grants) return;
    grants.groups?.delete(group);
    if (this.has(permission, group)) (this.grantsOf(permission).denied ??= new Set()).add(group);
  }
}
