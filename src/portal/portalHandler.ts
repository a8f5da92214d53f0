// The portal's share of the management listener: the single-page app under `/portal`, the
// live-trace stream it reads, and the site request logs it shows. The management server offers
// every request to this handler first; it answers the paths it owns and returns false for
// everything else (ARM routes and the rest).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TraceBus } from "../trace/traceBus.js";
import type { SiteRequestLogEntry } from "../sitefront/requestLog.js";
import { createStaticPortal } from "./staticPortal.js";
import { createTraceStreams, traceStreamPath, type TraceStreamOptions } from "./traceStream.js";

/** What the portal needs to check a caller: the ARM bearer authenticator (it throws an ArmError-like refusal). */
export interface PortalAuthenticator {
  authenticate(authorization: string | undefined): Promise<unknown>;
}

export interface PortalHandlerOptions {
  /** The folder `scripts/build-portal.ts` wrote (holds index.html and assets/). */
  readonly distDir: string;
  readonly trace: TraceBus;
  /**
   * Checks callers of the `/_wpslink/*` routes below with the same bearer token as ARM calls.
   * Without it they are open to anyone who can reach the management listener.
   */
  readonly authenticator?: PortalAuthenticator;
  /** The site front end's request log (`SiteFront.requestLog`), served at `/_wpslink/sites/{site}/requests`. */
  readonly siteRequestLog?: (site: string) => readonly SiteRequestLogEntry[];
  readonly stream?: Omit<TraceStreamOptions, "trace">;
}

export interface PortalHandler {
  (req: IncomingMessage, res: ServerResponse): boolean;
  /** Ends the open trace streams so the listener can close. */
  close(): void;
}

const siteRequestsPattern = /^\/_wpslink\/sites\/([^/]+)\/requests$/;
const maxLogEntries = 500;

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** The refusal's status, headers and ARM body when the authenticator threw one, else a plain 401. */
function refusal(error: unknown): { status: number; body: unknown; headers: Record<string, string> } {
  const e = error as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    headers?: unknown;
    toBody?: () => unknown;
  };
  const status = typeof e.status === "number" ? e.status : 401;
  const body =
    typeof e.toBody === "function"
      ? e.toBody()
      : errorBody(typeof e.code === "string" ? e.code : "AuthenticationFailed", String(e.message ?? error));
  const headers = e.headers && typeof e.headers === "object" ? (e.headers as Record<string, string>) : {};
  return { status, body, headers };
}

export function createPortalHandler(options: PortalHandlerOptions): PortalHandler {
  const portal = createStaticPortal(options.distDir);
  const streams = createTraceStreams({ ...options.stream, trace: options.trace });

  /** Runs `serve` once the caller is authenticated; answers the refusal otherwise. */
  const authenticated = async (
    req: IncomingMessage,
    res: ServerResponse,
    serve: () => void,
  ): Promise<void> => {
    if (options.authenticator) {
      try {
        await options.authenticator.authenticate(req.headers.authorization);
      } catch (error) {
        const { status, body, headers } = refusal(error);
        sendJson(res, status, body, headers);
        return;
      }
    }
    serve();
  };

  const serveSiteRequests = (req: IncomingMessage, res: ServerResponse, site: string): void => {
    if (req.method !== "GET") {
      sendJson(
        res,
        405,
        errorBody("MethodNotAllowed", `The request log only answers GET, not ${req.method}.`),
        {
          allow: "GET",
        },
      );
      return;
    }
    if (!options.siteRequestLog) {
      sendJson(
        res,
        501,
        errorBody("NotImplemented", "This wpslink runs no site front end, so there is no request log."),
      );
      return;
    }
    const entries = options.siteRequestLog(site.toLowerCase());
    sendJson(res, 200, { value: entries.slice(-maxLogEntries) });
  };

  const handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? "/", "http://portal.invalid");
    const fail = (error: unknown): void => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, 500, errorBody("InternalServerError", `The portal route failed: ${String(error)}`));
    };
    if (url.pathname === traceStreamPath) {
      authenticated(req, res, () => streams.handle(req, res, url)).catch(fail);
      return true;
    }
    const siteMatch = siteRequestsPattern.exec(url.pathname);
    if (siteMatch) {
      let site: string;
      try {
        site = decodeURIComponent(siteMatch[1] ?? "");
      } catch {
        sendJson(res, 400, errorBody("InvalidPath", "The site name in the path is not valid."));
        return true;
      }
      authenticated(req, res, () => serveSiteRequests(req, res, site)).catch(fail);
      return true;
    }
    return portal.handle(req, res, url.pathname);
  };
  return Object.assign(handler, { close: () => streams.closeAll() });
}
