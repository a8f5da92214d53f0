// The ARM runtime: authenticates a request, matches it against the route table, checks the
// api-version and the common path parameters, reads the JSON body, runs the handler and writes
// the answer, turning every failure into ARM's error JSON. Providers add their routes to
// `runtime.routes` (see src/arm/README.md).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { StoreConflictError, type Store } from "../../store/store.js";
import type { BearerAuthenticator } from "../auth/bearerAuthenticator.js";
import { checkApiVersion } from "./apiVersions.js";
import { ArmError, armErrors } from "./armError.js";
import { LroEngine } from "./lroEngine.js";
import { resourceGroupRoutes } from "./resourceGroups.js";
import { subscriptionRoutes } from "./subscriptions.js";
import { RouteTable, type ArmContext, type ArmMethod, type ArmResult } from "./routeTable.js";
import { validateResourceGroupName, validateSubscriptionId } from "./validation.js";

export interface ArmRuntimeOptions {
  readonly store: Store;
  readonly authenticator: BearerAuthenticator;
  /** Refuse api-versions a route does not list (default true). */
  readonly apiVersionCheck?: boolean;
  /** Items per page of list operations (default 100). */
  readonly pageSize?: number;
  /** `Retry-After` seconds on LRO responses (default 1; 0 would be ignored by the SDKs). */
  readonly retryAfterSeconds?: number;
  /** How long an LRO's initial response waits for quick work to finish (default 100 ms; see lroEngine.ts). */
  readonly lroSettleMs?: number;
  /** Largest accepted request body (default 4 MiB). */
  readonly maxBodyBytes?: number;
  /** Called for every answered request and for unexpected failures. */
  readonly log?: (entry: ArmLogEntry) => void;
}

export interface ArmLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code?: string;
  readonly durationMs: number;
  readonly requestId: string;
  readonly failure?: unknown;
}

export interface ArmRuntime {
  readonly routes: RouteTable;
  readonly operations: LroEngine;
  readonly store: Store;
  /** Answers one HTTP request on the management listener. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Marks operations interrupted by a restart; call once at start. */
  recover(): Promise<void>;
  /** Waits for background operations (bounded). The store is closed by its owner. */
  close(): Promise<void>;
}

const methods: ReadonlySet<string> = new Set(["GET", "PUT", "PATCH", "POST", "DELETE", "HEAD"]);

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw armErrors.requestTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  const contentType = (req.headers["content-type"] ?? "").toLowerCase();
  if (contentType !== "" && !/^(application|text)\/([\w.+-]*\+)?json\b/.test(contentType)) {
    throw armErrors.unsupportedMediaType(contentType);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw armErrors.invalidJson((error as Error).message);
  }
}

function write(res: ServerResponse, method: string, result: ArmResult, base: Record<string, string>): void {
  const headers: Record<string, string | number> = { ...base, ...result.headers };
  let text: string | undefined;
  if (result.body !== undefined && method !== "HEAD") {
    text = JSON.stringify(result.body);
    headers["Content-Type"] = "application/json; charset=utf-8";
    headers["Content-Length"] = Buffer.byteLength(text);
  } else {
    headers["Content-Length"] = 0;
  }
  res.writeHead(result.status, headers);
  res.end(text);
}

export function createArmRuntime(options: ArmRuntimeOptions): ArmRuntime {
  const routes = new RouteTable();
  const operations = new LroEngine(options.store, options.retryAfterSeconds ?? 1, options.lroSettleMs ?? 100);
  routes.add(...operations.routes(), ...resourceGroupRoutes(), ...subscriptionRoutes());
  const enforceApiVersion = options.apiVersionCheck ?? true;
  const pageSize = options.pageSize ?? 100;
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;

  async function answer(req: IncomingMessage, url: URL, origin: string): Promise<ArmResult> {
    const method = (req.method ?? "GET").toUpperCase();
    const caller = await options.authenticator.authenticate(req.headers.authorization);
    if (!methods.has(method)) throw armErrors.methodNotAllowed(method, [...methods]);
    const match = routes.match(method, url.pathname);
    if (match.kind === "none") throw armErrors.unknownRoute(method, url.pathname);
    if (match.kind === "wrongMethod") throw armErrors.methodNotAllowed(method, match.allowed);
    const { route, params } = match;
    if (params.subscriptionId !== undefined) validateSubscriptionId(params.subscriptionId);
    if (params.resourceGroupName !== undefined) validateResourceGroupName(params.resourceGroupName);
    const apiVersion = checkApiVersion(route, url.searchParams.get("api-version"), enforceApiVersion);
    const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req, maxBodyBytes);
    const context: ArmContext = {
      method: method as ArmMethod,
      path: url.pathname,
      params,
      query: url.searchParams,
      apiVersion,
      body,
      headers: req.headers,
      origin,
      caller,
      store: options.store,
      operations,
      pageSize,
    };
    return route.handler(context);
  }

  return {
    routes,
    operations,
    store: options.store,
    async handle(req, res) {
      const started = performance.now();
      const requestId = randomUUID();
      const origin = `https://${req.headers.host ?? "localhost"}`;
      const method = (req.method ?? "GET").toUpperCase();
      const base: Record<string, string> = {
        "x-ms-request-id": requestId,
        "x-ms-correlation-request-id": requestId,
        ...(typeof req.headers["x-ms-client-request-id"] === "string"
          ? { "x-ms-client-request-id": req.headers["x-ms-client-request-id"] }
          : {}),
      };
      let result: ArmResult;
      let failure: unknown;
      let code: string | undefined;
      try {
        const url = new URL(req.url ?? "/", origin);
        result = await answer(req, url, origin);
      } catch (error) {
        let armError: ArmError;
        if (error instanceof ArmError) armError = error;
        else if (error instanceof StoreConflictError) armError = armErrors.concurrentWrite(error.key);
        else {
          failure = error;
          armError = armErrors.internal(error instanceof Error ? error.message : String(error));
        }
        code = armError.code;
        result = { status: armError.status, body: armError.toBody(), headers: armError.headers };
        // Unread request bodies would otherwise stall keep-alive connections.
        if (!req.readableEnded) req.resume();
      }
      if (!res.headersSent) write(res, method, result, base);
      const log =
        options.log ??
        // Without a logger, unexpected failures still reach stderr rather than vanish.
        ((entry: ArmLogEntry) => {
          if (entry.failure)
            console.error(`wpslink ARM ${entry.method} ${entry.path} failed:`, entry.failure);
        });
      log({
        method,
        path: req.url ?? "/",
        status: result.status,
        ...(code ? { code } : {}),
        durationMs: performance.now() - started,
        requestId,
        ...(failure ? { failure } : {}),
      });
    },
    async recover() {
      await operations.recover();
    },
    async close() {
      await operations.drain();
    },
  };
}
