// REST operations that send, check existence, close connections and issue client tokens.
// Success statuses are exactly those `@azure/web-pubsub` 1.2.0 accepts (sends 202, closes 204,
// HEAD checks 200/404, generateToken 200): any other status, even another 2xx, makes it throw.
import type { SendOptions } from "../domain/hubOperations.js";
import { clientAudience, issueClientToken } from "../tokens/clientTokenIssuer.js";
import { optionalFilter, type RestCall, type RestOperation, type RestResult } from "./restCall.js";
import { refuse } from "./restErrors.js";
import { readMessage } from "./requestBody.js";
import { optionalInteger, optionalString, repeated, validGroup, validId } from "./restValidation.js";

const accepted: RestResult = { status: 202 };
const noContent: RestResult = { status: 204 };
const existsResult = (exists: boolean): RestResult => ({ status: exists ? 200 : 404 });

function sendOptions(call: RestCall, withExcluded: boolean, withFilter: boolean): SendOptions {
  const ttlSeconds = optionalInteger(call.query, "messageTtlSeconds", 0, 300);
  const excluded = withExcluded ? repeated(call.query, "excluded") : [];
  const filterText = withFilter ? optionalString(call.query, "filter") : undefined;
  const filter = optionalFilter(filterText);
  return {
    ...(excluded.length > 0 ? { excluded } : {}),
    // The text travels with the predicate so other nodes of a cluster can compile it again.
    ...(filter && filterText !== undefined ? { filter, filterText } : {}),
    ...(ttlSeconds ? { ttlSeconds } : {}),
  };
}

function closeOptions(call: RestCall): { excluded?: string[]; reason?: string } {
  const excluded = repeated(call.query, "excluded");
  const reason = optionalString(call.query, "reason");
  return { ...(excluded.length > 0 ? { excluded } : {}), ...(reason !== undefined ? { reason } : {}) };
}

const param = (call: RestCall, name: string): string => call.params[name] ?? "";

export const messagingOperations: readonly RestOperation[] = [
  {
    name: "sendToAll",
    method: "POST",
    pattern: "/api/hubs/{hub}/:send",
    authenticated: true,
    async run(call) {
      const options = sendOptions(call, true, true);
      await call.hub().sendToAll(await readMessage(call.request), options);
      return accepted;
    },
  },
  {
    name: "sendToGroup",
    method: "POST",
    pattern: "/api/hubs/{hub}/groups/{group}/:send",
    authenticated: true,
    async run(call) {
      const group = validGroup(param(call, "group"));
      const options = sendOptions(call, true, true);
      await call.hub().sendToGroup(group, await readMessage(call.request), options);
      return accepted;
    },
  },
  {
    name: "sendToUser",
    method: "POST",
    pattern: "/api/hubs/{hub}/users/{userId}/:send",
    authenticated: true,
    async run(call) {
      const userId = validId(param(call, "userId"), "userId");
      const options = sendOptions(call, false, true);
      await call.hub().sendToUser(userId, await readMessage(call.request), options);
      return accepted;
    },
  },
  {
    name: "sendToConnection",
    method: "POST",
    pattern: "/api/hubs/{hub}/connections/{connectionId}/:send",
    authenticated: true,
    async run(call) {
      const connectionId = validId(param(call, "connectionId"), "connectionId");
      const options = sendOptions(call, false, false);
      await call.hub().sendToConnection(connectionId, await readMessage(call.request), options);
      return accepted;
    },
  },
  {
    name: "connectionExists",
    method: "HEAD",
    pattern: "/api/hubs/{hub}/connections/{connectionId}",
    authenticated: true,
    async run(call) {
      return existsResult(
        await call.hub().connectionExists(validId(param(call, "connectionId"), "connectionId")),
      );
    },
  },
  {
    name: "groupExists",
    method: "HEAD",
    pattern: "/api/hubs/{hub}/groups/{group}",
    authenticated: true,
    async run(call) {
      return existsResult(await call.hub().groupExists(validGroup(param(call, "group"))));
    },
  },
  {
    name: "userExists",
    method: "HEAD",
    pattern: "/api/hubs/{hub}/users/{userId}",
    authenticated: true,
    async run(call) {
      return existsResult(await call.hub().userExists(validId(param(call, "userId"), "userId")));
    },
  },
  {
    name: "closeConnection",
    method: "DELETE",
    pattern: "/api/hubs/{hub}/connections/{connectionId}",
    authenticated: true,
    async run(call) {
      const connectionId = validId(param(call, "connectionId"), "connectionId");
      await call.hub().closeConnection(connectionId, optionalString(call.query, "reason"));
      return noContent;
    },
  },
  {
    name: "closeAllConnections",
    method: "POST",
    pattern: "/api/hubs/{hub}/:closeConnections",
    authenticated: true,
    async run(call) {
      await call.hub().closeAllConnections(closeOptions(call));
      return noContent;
    },
  },
  {
    name: "closeGroupConnections",
    method: "POST",
    pattern: "/api/hubs/{hub}/groups/{group}/:closeConnections",
    authenticated: true,
    async run(call) {
      const group = validGroup(param(call, "group"));
      await call.hub().closeGroupConnections(group, closeOptions(call));
      return noContent;
    },
  },
  {
    name: "closeUserConnections",
    method: "POST",
    pattern: "/api/hubs/{hub}/users/{userId}/:closeConnections",
    authenticated: true,
    async run(call) {
      const userId = validId(param(call, "userId"), "userId");
      await call.hub().closeUserConnections(userId, closeOptions(call));
      return noContent;
    },
  },
  {
    name: "generateClientToken",
    method: "POST",
    pattern: "/api/hubs/{hub}/:generateToken",
    authenticated: true,
    async run(call) {
      const hub = call.hubName;
      const clientType = (optionalString(call.query, "clientType") ?? "Default").toLowerCase();
      if (clientType === "mqtt" || clientType === "socketio") {
        throw refuse.notImplemented(
          `generateClientToken(clientType=${clientType})`,
          `wpslink does not serve ${clientType === "mqtt" ? "MQTT" : "Socket.IO"} clients, so it issues no tokens for them; use clientType=Default.`,
        );
      }
      if (clientType !== "default") {
        throw refuse.badRequest(`Unknown clientType '${clientType}': use Default or MQTT.`, "clientType");
      }
      const userId = optionalString(call.query, "userId");
      const expiresInMinutes = optionalInteger(call.query, "minutesToExpire", 1, 2147483647) ?? 60;
      const groups = repeated(call.query, "group").map((group) => validGroup(group, "group"));
      const token = await issueClientToken({
        keys: call.keys,
        audience: clientAudience(call.origin, hub),
        ...(userId ? { userId } : {}),
        roles: repeated(call.query, "role"),
        groups,
        expiresInMinutes,
      });
      return { status: 200, body: { token } };
    },
  },
];
