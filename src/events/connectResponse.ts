// Reading the answer to a `connect` event (reference §3.5). 204 or an empty 2xx accepts the
// client with its token's identity; a JSON 2xx may set `userId` (even ""), `groups`, `roles` and
// `subprotocol` (which must be one the client offered); `ce-connectionState` sets the state.
// Any other status refuses: 4xx is passed to the client as is, 5xx becomes 500.
import type { ConnectOutcome } from "../dataplane/ports/upstreamEvents.js";
import type { UpstreamResponse } from "./upstreamCaller.js";

type Accepted = Extract<ConnectOutcome, { kind: "accepted" }>;

const maxMessageLength = 1024;

export function connectionStateHeader(response: UpstreamResponse): string | undefined {
  const value = response.headers["ce-connectionstate"];
  return Array.isArray(value) ? value[0] : value;
}

/** The upstream's error text, shortened for a handshake response. */
export function upstreamErrorText(response: UpstreamResponse): string {
  const text = response.body.subarray(0, maxMessageLength).toString("utf8").trim();
  return text.length > 0 ? text : `the upstream answered ${response.status}`;
}

export function parseConnectResponse(response: UpstreamResponse, offered: readonly string[]): ConnectOutcome {
  const { status } = response;
  if (status < 200 || status > 299) {
    const why = upstreamErrorText(response);
    return status >= 400 && status < 500
      ? { kind: "refused", status, message: why }
      : { kind: "refused", status: 500, message: `the event handler answered ${status}: ${why}` };
  }
  const state = connectionStateHeader(response);
  const base: { -readonly [K in keyof Accepted]: Accepted[K] } = { kind: "accepted" };
  if (state !== undefined) base.connectionState = state;
  if (status === 204 || response.body.length === 0) return base;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body.toString("utf8"));
  } catch {
    return {
      kind: "refused",
      status: 500,
      message: "the event handler's connect response is not valid JSON",
    };
  }
  if (parsed === null) return base;
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    return {
      kind: "refused",
      status: 500,
      message: "the event handler's connect response is not a JSON object",
    };
  }
  const body = parsed as Record<string, unknown>;
  const problem = (field: string, expected: string): ConnectOutcome => ({
    kind: "refused",
    status: 500,
    message: `the event handler's connect response has an invalid "${field}" (expected ${expected})`,
  });
  if (body.userId !== undefined && body.userId !== null) {
    if (typeof body.userId !== "string") return problem("userId", "a string");
    base.userId = body.userId;
  }
  for (const field of ["groups", "roles"] as const) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
      return problem(field, "an array of strings");
    base[field] = value as string[];
  }
  if (body.subprotocol !== undefined && body.subprotocol !== null && body.subprotocol !== "") {
    if (typeof body.subprotocol !== "string") return problem("subprotocol", "a string");
    if (!offered.includes(body.subprotocol)) {
      return {
        kind: "refused",
        status: 500,
        message: `the event handler chose subprotocol "${body.subprotocol}", which the client did not offer`,
      };
    }
    base.subprotocol = body.subprotocol;
  }
  return base;
}
