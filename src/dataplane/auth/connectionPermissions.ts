// What one connection may do with groups: built from its roles (token or `connect` response),
// changed at run time by the REST permission API. A role without a group grants every group; a
// group-scoped role one group; a wildcard role the groups its pattern matches. Revoking one
// group overrides a broader grant for that group until it is granted again; revoking without a
// group removes every grant of that permission.
import type { Permission } from "../domain/messages.js";
import { compileGroupPattern } from "./groupPattern.js";

interface PermissionGrants {
  all: boolean;
  readonly groups: Set<string>;
  readonly patterns: Map<string, (group: string) => boolean>;
  readonly denied: Set<string>;
}

const rolePrefixes: ReadonlyArray<readonly [string, Permission, "one" | "pattern"]> = [
  ["webpubsub.joinLeaveGroups.", "joinLeaveGroup", "pattern"],
  ["webpubsub.sendToGroups.", "sendToGroup", "pattern"],
  ["webpubsub.joinLeaveGroup.", "joinLeaveGroup", "one"],
  ["webpubsub.sendToGroup.", "sendToGroup", "one"],
];

export class ConnectionPermissions {
  private readonly grants: Record<Permission, PermissionGrants> = {
    joinLeaveGroup: emptyGrants(),
    sendToGroup: emptyGrants(),
  };

  /** Roles this connection was given; unknown roles are kept (they may matter to upstreams) but grant nothing. */
  constructor(roles: readonly string[]) {
    for (const role of roles) this.addRole(role);
  }

  private addRole(role: string): void {
    if (role === "webpubsub.joinLeaveGroup") {
      this.grants.joinLeaveGroup.all = true;
      return;
    }
    if (role === "webpubsub.sendToGroup") {
      this.grants.sendToGroup.all = true;
      return;
    }
    for (const [prefix, permission, kind] of rolePrefixes) {
      if (!role.startsWith(prefix)) continue;
      const target = role.slice(prefix.length);
      if (target.length === 0) return;
      if (kind === "one") {
        this.grants[permission].groups.add(target);
      } else {
        const matcher = compileGroupPattern(target);
        // An invalid pattern grants nothing, like any other role the service does not know.
        if (typeof matcher !== "string") this.grants[permission].patterns.set(target, matcher);
      }
      return;
    }
  }

  /** Without `group`: whether the permission covers every group. */
  has(permission: Permission, group?: string): boolean {
    const grants = this.grants[permission];
    if (group === undefined) return grants.all && grants.denied.size === 0;
    if (grants.denied.has(group)) return false;
    if (grants.all || grants.groups.has(group)) return true;
    for (const matches of grants.patterns.values()) if (matches(group)) return true;
    return false;
  }

  grant(permission: Permission, group?: string): void {
    const grants = this.grants[permission];
    if (group === undefined) {
      grants.all = true;
      grants.denied.clear();
      return;
    }
    grants.denied.delete(group);
    grants.groups.add(group);
  }

  revoke(permission: Permission, group?: string): void {
    const grants = this.grants[permission];
    if (group === undefined) {
      grants.all = false;
      grants.groups.clear();
      grants.patterns.clear();
      grants.denied.clear();
      return;
    }
    grants.groups.delete(group);
    if (this.has(permission, group)) grants.denied.add(group);
  }
}

function emptyGrants(): PermissionGrants {
  return { all: false, groups: new Set(), patterns: new Map(), denied: new Set() };
}
