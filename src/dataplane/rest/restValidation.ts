// Validation of REST path and query values against the constraints of the data-plane REST spec
// (Azure/azure-rest-api-specs, specification/webpubsub/data-plane/WebPubSub/routes.tsp). The SDK
// checks none of them, so the server must (reference/dataplane.md §2.4).
import type { Permission } from "../domain/messages.js";
import { refuse } from "./restErrors.js";

const hubPattern = /^[A-Za-z][A-Za-z0-9_`,.[\]]{0,127}$/;
const maxGroupLength = 1024;

export function validHub(hub: string): string {
  if (!hubPattern.test(hub)) {
    throw refuse.badRequest(
      `Invalid hub name '${hub}': it must start with a letter and hold only letters, digits and _ \` , . [ ] (at most 128 characters).`,
      "hub",
    );
  }
  return hub;
}

export function validGroup(group: string, target = "group"): string {
  if (group.length === 0 || group.length > maxGroupLength) {
    throw refuse.badRequest(
      `Invalid group name: it must be 1 to ${maxGroupLength} characters long (got ${group.length}).`,
      target,
    );
  }
  if (group.trim() === "")
    throw refuse.badRequest("Invalid group name: it must not be only whitespace.", target);
  return group;
}

export function validId(value: string, target: "userId" | "connectionId"): string {
  if (value.length === 0) throw refuse.badRequest(`The ${target} must not be empty.`, target);
  return value;
}

export function validPermission(value: string): Permission {
  const lower = value.toLowerCase();
  if (lower === "sendtogroup") return "sendToGroup";
  if (lower === "joinleavegroup") return "joinLeaveGroup";
  throw refuse.badRequest(
    `Unknown permission '${value}': the permissions are sendToGroup and joinLeaveGroup.`,
    "permission",
  );
}

/** An optional whole-number query parameter within [min, max]; undefined when absent. */
export function optionalInteger(
  query: URLSearchParams,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  if (values.length > 1)
    throw refuse.badRequest(`The query parameter '${name}' was given more than once.`, name);
  const raw = values[0] ?? "";
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw refuse.badRequest(
      `Invalid ${name} '${raw}': it must be a whole number from ${min} to ${max}.`,
      name,
    );
  }
  return value;
}

/** An optional single query value; undefined when absent. */
export function optionalString(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1)
    throw refuse.badRequest(`The query parameter '${name}' was given more than once.`, name);
  return values[0];
}

/** A repeated query parameter (`excluded=a&excluded=b`), empty entries dropped. */
export function repeated(query: URLSearchParams, name: string): string[] {
  return query.getAll(name).filter((value) => value.length > 0);
}

/** Query parameter names of the REST spec, in their canonical spelling. */
const knownQueryNames = [
  "api-version",
  "excluded",
  "filter",
  "messageTtlSeconds",
  "reason",
  "userId",
  "role",
  "minutesToExpire",
  "group",
  "clientType",
  "maxpagesize",
  "top",
  "continuationToken",
  "targetName",
];
const canonicalQueryName = new Map(knownQueryNames.map((name) => [name.toLowerCase(), name]));

/**
 * The query with the spec's parameter names matched case-insensitively (as the service's
 * framework binds them), so `API-Version` or `Filter` work like the SDK's spelling.
 */
export function canonicalQuery(query: URLSearchParams): URLSearchParams {
  const canonical = new URLSearchParams();
  for (const [name, value] of query)
    canonical.append(canonicalQueryName.get(name.toLowerCase()) ?? name, value);
  return canonical;
}
