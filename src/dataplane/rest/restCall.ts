// What an operation of the data-plane REST API receives and returns.
import type { IncomingMessage } from "node:http";
import type { AccessKeyRing } from "../domain/accessKeys.js";
import type { ConnectionPredicate, HubOperations } from "../domain/hubOperations.js";
import { compileFilter, FilterSyntaxError } from "./odataFilter.js";
import { refuse } from "./restErrors.js";

export interface RestCall {
  readonly request: IncomingMessage;
  /** Path parameters, decoded once and validated by the operation. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly apiVersion: string;
  /** `scheme://host[:port]` as the caller addressed this listener. */
  readonly origin: string;
  readonly keys: AccessKeyRing;
  /** The hub name from the path as the caller wrote it (validated); "" for paths without one. */
  readonly hubName: string;
  /** The operations of the (validated) hub in the path. */
  hub(): HubOperations;
}

export interface RestResult {
  readonly status: number;
  /** Serialised as JSON when present. */
  readonly body?: unknown;
}

export interface RestOperation {
  /** The operation's name in the REST spec, e.g. `sendToAll`. */
  readonly name: string;
  readonly method: "GET" | "HEAD" | "POST" | "PUT" | "DELETE";
  readonly pattern: string;
  /** False only for the health probe. */
  readonly authenticated: boolean;
  run(call: RestCall): Promise<RestResult>;
}

/** Compiles an optional OData filter; absent or empty means "no filter". */
export function optionalFilter(
  filter: string | undefined | null,
  target = "filter",
): ConnectionPredicate | undefined {
  if (filter === undefined || filter === null || filter.trim() === "") return undefined;
  try {
    return compileFilter(filter);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw refuse.badRequest(error.message, target);
    throw error;
  }
}
