// REST operations on groups, users and permissions, plus the group member listing with paging.
// PUTs answer 200 and DELETEs 204, as `@azure/web-pubsub` 1.2.0 requires.
import type { RestCall, RestOperation, RestResult } from "./restCall.js";
import { optionalFilter } from "./restCall.js";
import { refuse } from "./restErrors.js";
import { mediaType, readBody } from "./requestBody.js";
import { optionalInteger, optionalString, validGroup, validId, validPermission } from "./restValidation.js";

const ok: RestResult = { status: 200 };
const noContent: RestResult = { status: 204 };
const param = (call: RestCall, name: string): string => call.params[name] ?? "";
const connectionIdOf = (call: RestCall) => validId(param(call, "connectionId"), "connectionId");
const userIdOf = (call: RestCall) => validId(param(call, "userId"), "userId");
const groupOf = (call: RestCall) => validGroup(param(call, "group"));

function targetNameOf(call: RestCall): string | undefined {
  const target = optionalString(call.query, "targetName");
  return target === undefined ? undefined : validGroup(target, "targetName");
}

/** Reads the `{ groups, filter }` body of `:addToGroups` / `:removeFromGroups`. */
async function readGroupsRequest(call: RestCall) {
  const type = mediaType(call.request);
  if (type !== "application/json") {
    call.request.resume();
    throw refuse.unsupportedMediaType(`The body must be application/json, not '${type || "(none)"}'.`);
  }
  const text = (await readBody(call.request)).toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw refuse.badRequest(
      `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw refuse.badRequest('The body must be a JSON object like {"groups":["g1"],"filter":"..."}.');
  }
  const { groups, filter } = body as { groups?: unknown; filter?: unknown };
  if (
    !Array.isArray(groups) ||
    groups.length === 0 ||
    !groups.every((g): g is string => typeof g === "string")
  ) {
    throw refuse.badRequest("'groups' must be a non-empty array of group names.", "groups");
  }
  if (filter !== undefined && filter !== null && typeof filter !== "string") {
    throw refuse.badRequest("'filter' must be a string.", "filter");
  }
  const compiled = optionalFilter(filter);
  return {
    groups: groups.map((g) => validGroup(g, "groups")),
    filter: compiled,
    // The text travels with the predicate so other nodes of a cluster can compile it again.
    filterText: compiled && typeof filter === "string" ? filter : undefined,
  };
}

interface PageCursor {
  /** Connection id the next page starts after. */
  readonly after: string;
  /** Connections still allowed by `top`, or null for no limit. */
  readonly remaining: number | null;
  readonly pageSize: number;
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

function decodeCursor(token: string): PageCursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<PageCursor>;
    if (
      typeof cursor.after === "string" &&
      (cursor.remaining === null || (typeof cursor.remaining === "number" && cursor.remaining > 0)) &&
      typeof cursor.pageSize === "number"
    ) {
      return { after: cursor.after, remaining: cursor.remaining, pageSize: cursor.pageSize };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw refuse.badRequest("The continuationToken is not one this server issued.", "continuationToken");
}

async function listConnectionsInGroup(call: RestCall): Promise<RestResult> {
  const group = groupOf(call);
  const token = optionalString(call.query, "continuationToken");
  const cursor = token ? decodeCursor(token) : undefined;
  const pageSize = optionalInteger(call.query, "maxpagesize", 1, 200) ?? cursor?.pageSize ?? 200;
  const top = optionalInteger(call.query, "top", 1, 2147483647);
  const remaining = cursor ? cursor.remaining : (top ?? null);
  const members = (await call.hub().listGroupConnections(group))
    .filter((c) => !cursor || c.connectionId > cursor.after)
    .sort((a, b) => (a.connectionId < b.connectionId ? -1 : a.connectionId > b.connectionId ? 1 : 0));
  const take = Math.min(pageSize, remaining ?? Number.POSITIVE_INFINITY);
  const page = members.slice(0, take);
  const left = remaining === null ? null : remaining - page.length;
  const last = page[page.length - 1];
  const more = last !== undefined && members.length > page.length && (left === null || left > 0);
  const value = page.map((c) =>
    c.userId === null ? { connectionId: c.connectionId } : { connectionId: c.connectionId, userId: c.userId },
  );
  if (!more) return { status: 200, body: { value } };
  // The SDK follows nextLink verbatim, so it carries api-version and the cursor.
  const next = new URLSearchParams({
    "api-version": call.apiVersion,
    continuationToken: encodeCursor({ after: last.connectionId, remaining: left, pageSize }),
  });
  const path = `/api/hubs/${encodeURIComponent(call.hubName)}/groups/${encodeURIComponent(group)}/connections`;
  return { status: 200, body: { value, nextLink: `${call.origin}${path}?${next.toString()}` } };
}

export const groupOperations: readonly RestOperation[] = [
  {
    name: "addConnectionToGroup",
    method: "PUT",
    pattern: "/api/hubs/{hub}/groups/{group}/connections/{connectionId}",
    authenticated: true,
    async run(call) {
      const [group, connectionId] = [groupOf(call), connectionIdOf(call)];
      if (!(await call.hub().addConnectionToGroup(connectionId, group))) {
        throw refuse.notFound(`Connection '${connectionId}' does not exist.`, "connectionId");
      }
      return ok;
    },
  },
  {
    name: "removeConnectionFromGroup",
    method: "DELETE",
    pattern: "/api/hubs/{hub}/groups/{group}/connections/{connectionId}",
    authenticated: true,
    async run(call) {
      const [group, connectionId] = [groupOf(call), connectionIdOf(call)];
      await call.hub().removeConnectionFromGroup(connectionId, group);
      return noContent;
    },
  },
  {
    name: "removeConnectionFromAllGroups",
    method: "DELETE",
    pattern: "/api/hubs/{hub}/connections/{connectionId}/groups",
    authenticated: true,
    async run(call) {
      await call.hub().removeConnectionFromAllGroups(connectionIdOf(call));
      return noContent;
    },
  },
  {
    name: "addUserToGroup",
    method: "PUT",
    pattern: "/api/hubs/{hub}/users/{userId}/groups/{group}",
    authenticated: true,
    async run(call) {
      const [group, userId] = [groupOf(call), userIdOf(call)];
      if (!(await call.hub().addUserToGroup(userId, group))) {
        throw refuse.notFound(`User '${userId}' has no connection in this hub.`, "userId");
      }
      return ok;
    },
  },
  {
    name: "removeUserFromGroup",
    method: "DELETE",
    pattern: "/api/hubs/{hub}/users/{userId}/groups/{group}",
    authenticated: true,
    async run(call) {
      const [group, userId] = [groupOf(call), userIdOf(call)];
      await call.hub().removeUserFromGroup(userId, group);
      return noContent;
    },
  },
  {
    // Only in the 2020-10-01 preview spec (`WebPubSub_UserExistsInGroup`); kept for old callers.
    name: "userExistsInGroup",
    method: "HEAD",
    pattern: "/api/hubs/{hub}/users/{userId}/groups/{group}",
    authenticated: true,
    async run(call) {
      const [group, userId] = [groupOf(call), userIdOf(call)];
      const members = await call.hub().listGroupConnections(group);
      return { status: members.some((c) => c.userId === userId) ? 200 : 404 };
    },
  },
  {
    name: "removeUserFromAllGroups",
    method: "DELETE",
    pattern: "/api/hubs/{hub}/users/{userId}/groups",
    authenticated: true,
    async run(call) {
      await call.hub().removeUserFromAllGroups(userIdOf(call));
      return noContent;
    },
  },
  {
    name: "addConnectionsToGroups",
    method: "POST",
    pattern: "/api/hubs/{hub}/:addToGroups",
    authenticated: true,
    async run(call) {
      const { groups, filter, filterText } = await readGroupsRequest(call);
      await call.hub().addConnectionsToGroups(groups, filter, filterText);
      return ok;
    },
  },
  {
    name: "removeConnectionsFromGroups",
    method: "POST",
    pattern: "/api/hubs/{hub}/:removeFromGroups",
    authenticated: true,
    async run(call) {
      const { groups, filter, filterText } = await readGroupsRequest(call);
      await call.hub().removeConnectionsFromGroups(groups, filter, filterText);
      return ok;
    },
  },
  {
    name: "listConnectionsInGroup",
    method: "GET",
    pattern: "/api/hubs/{hub}/groups/{group}/connections",
    authenticated: true,
    run: listConnectionsInGroup,
  },
  {
    name: "grantPermission",
    method: "PUT",
    pattern: "/api/hubs/{hub}/permissions/{permission}/connections/{connectionId}",
    authenticated: true,
    async run(call) {
      const permission = validPermission(param(call, "permission"));
      const connectionId = connectionIdOf(call);
      if (!(await call.hub().grantPermission(connectionId, permission, targetNameOf(call)))) {
        throw refuse.notFound(`Connection '${connectionId}' does not exist.`, "connectionId");
      }
      return ok;
    },
  },
  {
    name: "revokePermission",
    method: "DELETE",
    pattern: "/api/hubs/{hub}/permissions/{permission}/connections/{connectionId}",
    authenticated: true,
    async run(call) {
      const permission = validPermission(param(call, "permission"));
      await call.hub().revokePermission(connectionIdOf(call), permission, targetNameOf(call));
      return noContent;
    },
  },
  {
    name: "checkPermission",
    method: "HEAD",
    pattern: "/api/hubs/{hub}/permissions/{permission}/connections/{connectionId}",
    authenticated: true,
    async run(call) {
      const permission = validPermission(param(call, "permission"));
      const has = await call.hub().hasPermission(connectionIdOf(call), permission, targetNameOf(call));
      return { status: has ? 200 : 404 };
    },
  },
];
