// The data-plane REST API (`/api/...`) of one Web PubSub resource: routing of every operation of
// the REST spec, access-key JWT authentication, the api-version policy, validation with errors
// in the service's shape, and one `rest` trace record per call. The operations themselves act
// through the `HubOperations` of the hub named in the path.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { AccessKeyRing } from "../domain/accessKeys.js";
import type { HubOperations } from "../domain/hubOperations.js";
import type { RestHandler } from "../ports/restHandler.js";
import type { TraceBus } from "../../trace/traceBus.js";
import { checkApiVersion } from "./apiVersions.js";
import { groupOperations } from "./groupOperations.js";
import { messagingOperations } from "./messagingOperations.js";
import { authenticateRestRequest } from "./restAuth.js";
import type { RestCall, RestOperation, RestResult } from "./restCall.js";
import { refuse, RestRefusal, writeRefusal } from "./restErrors.js";
import { pathSegments, RouteTable } from "./restRoutes.js";
import { canonicalQuery, validHub } from "./restValidation.js";

export interface RestHandlerOptions {
  /** The operations of a hub; called once per request that names a hub. */
  readonly hubs: (hub: string) => HubOperations;
  readonly keys: AccessKeyRing;
  readonly trace: TraceBus;
  /** The resource name put on trace records. */
  readonly resourceName: string;
  /** Serve any api-version (the `--skip-api-version-check` option). */
  readonly skipApiVersionCheck: boolean;
}

const healthOperation: RestOperation = {
  name: "getServiceStatus",
  method: "HEAD",
  pattern: "/api/health",
  authenticated: false,
  run: async () => ({ status: 200 }),
};

/** Every operation, in the order of the REST spec's routes plus the legacy ones. */
export const restOperations: readonly RestOperation[] = [
  healthOperation,
  { ...healthOperation, method: "GET" },
  ...messagingOperations,
  ...groupOperations,
];

function buildRoutes(): RouteTable<RestOperation> {
  const table = new RouteTable<RestOperation>();
  for (const operation of restOperations) table.add(operation.method, operation.pattern, operation);
  return table;
}

function originOf(request: IncomingMessage): string {
  const scheme = (request.socket as Partial<TLSSocket>).encrypted ? "https" : "http";
  return `${scheme}://${request.headers.host ?? "localhost"}`;
}

function writeResult(response: ServerResponse, result: RestResult, method: string): void {
  if (result.body === undefined) {
    response.writeHead(result.status, { "content-length": "0" });
    response.end();
    return;
  }
  const body = Buffer.from(JSON.stringify(result.body), "utf8");
  response.writeHead(result.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(body.length),
  });
  response.end(method === "HEAD" ? undefined : body);
}

export function createRestHandler(options: RestHandlerOptions): RestHandler {
  const routes = buildRoutes();

  async function serve(
    request: IncomingMessage,
    response: ServerResponse,
    record: CallRecord,
  ): Promise<void> {
    const method = (request.method ?? "GET").toUpperCase();
    const url = new URL(request.url ?? "/", "http://placeholder");
    const found = routes.lookup(method, pathSegments(url.pathname));
    if (found.kind === "none") {
      throw refuse.notFound(`No data-plane operation has the path '${url.pathname}'.`);
    }
    if (found.kind === "wrongMethod") {
      throw refuse.methodNotAllowed(
        `${method} is not supported on '${url.pathname}'; allowed: ${found.allowed.join(", ")}.`,
        found.allowed,
      );
    }
    const { route: operation, params } = found.match;
    const query = canonicalQuery(url.searchParams);
    record.operation = operation.name;
    const hubName = params.hub ?? "";
    if (hubName) record.hub = hubName;
    let apiVersion = "";
    if (operation.authenticated) {
      await authenticateRestRequest(request, options.keys);
      apiVersion = checkApiVersion(query.getAll("api-version"), options.skipApiVersionCheck);
      if (params.hub !== undefined) validHub(hubName);
    }
    record.apiVersion = apiVersion;
    let hub: HubOperations | undefined;
    const call: RestCall = {
      request,
      params,
      query,
      apiVersion,
      origin: originOf(request),
      keys: options.keys,
      hubName,
      hub: () => (hub ??= options.hubs(hubName)),
    };
    writeResult(response, await operation.run(call), method);
  }

  return (request, response) => {
    const started = performance.now();
    const record: CallRecord = { operation: null, hub: undefined, apiVersion: undefined, error: undefined };
    response.once("close", () => {
      options.trace.publish({
        category: "rest",
        kind: "rest.call",
        resource: options.resourceName,
        ...(record.hub ? { hub: record.hub } : {}),
        details: {
          operation: record.operation,
          method: request.method,
          path: (request.url ?? "").split("?")[0],
          apiVersion: record.apiVersion,
          status: response.statusCode,
          latencyMs: Math.round((performance.now() - started) * 100) / 100,
          ...(record.error ? { errorCode: record.error.code, error: record.error.message } : {}),
          ...(response.writableFinished ? {} : { aborted: true }),
        },
      });
    });
    serve(request, response, record).catch((error: unknown) => {
      const refusal =
        error instanceof RestRefusal
          ? error
          : refuse.internal(
              `The operation failed: ${error instanceof Error ? error.message : String(error)}`,
            );
      record.error = { code: refusal.code, message: refusal.message };
      writeRefusal(response, refusal, request.method);
    });
  };
}

interface CallRecord {
  operation: string | null;
  hub: string | undefined;
  apiVersion: string | undefined;
  error: { code: string; message: string } | undefined;
}
