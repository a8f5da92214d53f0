// The management listener: HTTPS with a certificate from wpslink's local CA. It mounts, in this
// order, the token endpoint (`POST /_wpslink/token`, loopback callers only), the extra handlers
// of the composition root (portal, other `/_wpslink/*` routes), and the ARM runtime.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LocalTokenIssuer } from "./auth/localTokenIssuer.js";
import { handleTokenRequest, tokenEndpointPath } from "./auth/tokenEndpoint.js";
import type { ArmRuntime } from "./runtime/armRuntime.js";

export interface ManagementServerOptions {
  /** Address to bind, e.g. `127.0.0.1`. */
  readonly host: string;
  /** Port to bind; 0 picks a free one. */
  readonly port: number;
  readonly tls: { readonly key: string; readonly cert: string };
  /** Host name used in `url` (default `localhost`). */
  readonly publicHostname?: string;
  readonly arm: ArmRuntime;
  readonly tokenIssuer: LocalTokenIssuer;
  /** Return true when the request was handled (portal, `/_wpslink/*` mounts). */
  readonly extraHandlers?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface ManagementServer {
  start(): Promise<{ port: number }>;
  /** `https://{publicHostname}:{port}`; valid after start(). */
  readonly url: string;
  close(): Promise<void>;
}

export function createManagementServer(options: ManagementServerOptions): ManagementServer {
  let server: Server | undefined;
  let port = options.port;
  const hostname = options.publicHostname ?? "localhost";

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === tokenEndpointPath) {
      void handleTokenRequest(req, res, options.tokenIssuer);
      return;
    }
    if (options.extraHandlers?.(req, res)) return;
    options.arm.handle(req, res).catch((error: unknown) => {
      // handle() answers every failure itself; this is a last resort for a broken socket.
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy(error as Error);
    });
  };

  return {
    get url() {
      return `https://${hostname}:${port}`;
    },
    async start() {
      const created = createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest);
      server = created;
      await new Promise<void>((resolve, reject) => {
        created.once("error", reject);
        created.listen(options.port, options.host, () => {
          created.off("error", reject);
          resolve();
        });
      });
      port = (created.address() as AddressInfo).port;
      return { port };
    },
    async close() {
      const running = server;
      server = undefined;
      if (!running) return;
      await new Promise<void>((resolve) => {
        running.close(() => resolve());
        running.closeAllConnections();
      });
      await options.arm.close();
    },
  };
}
