// Serves the built portal (the static files `scripts/build-portal.ts` writes to `dist/portal`)
// under `/portal`. Any path below `/portal` without a file extension gets `index.html`, so the
// single-page app's own routes survive a reload (history fallback). Files are read once and kept
// in memory with a strong ETag: the portal is a handful of small files that never change while
// the process runs.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";

export const portalBasePath = "/portal";

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/** Everything the page loads comes from this origin; nothing inline, nothing from a CDN. */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

interface CachedFile {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
}

export interface StaticPortal {
  /** True when the request was for the portal (answered, possibly with an error). */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean;
}

export function createStaticPortal(distDir: string): StaticPortal {
  const root = resolve(distDir);
  const cache = new Map<string, CachedFile>();

  const load = (file: string): CachedFile | null => {
    const cached = cache.get(file);
    if (cached) return cached;
    try {
      if (!statSync(file).isFile()) return null;
      const body = readFileSync(file);
      const entry: CachedFile = {
        body,
        etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
        contentType: contentTypes[extname(file).toLowerCase()] ?? "application/octet-stream",
      };
      cache.set(file, entry);
      return entry;
    } catch {
      return null;
    }
  };

  return {
    handle(req, res, pathname) {
      if (pathname !== portalBasePath && !pathname.startsWith(`${portalBasePath}/`)) return false;
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json; charset=utf-8" });
        res.end(errorBody("MethodNotAllowed", `The portal only answers GET and HEAD, not ${req.method}.`));
        return true;
      }
      const relative = safeRelativePath(pathname.slice(portalBasePath.length));
      if (relative === null) {
        res.writeHead(400, { "content-type": "application/json; charset=utf-8" });
        res.end(errorBody("InvalidPath", "The portal path is not valid."));
        return true;
      }
      // Files live in `assets/` (plus top-level files such as favicon.svg); anything else is a
      // route of the app (resource ids may contain dots, so an extension alone does not decide).
      const isFile =
        relative.startsWith(`assets${sep}`) || (!relative.includes(sep) && extname(relative) !== "");
      const target = isFile ? join(root, relative) : join(root, "index.html");
      const file = load(target);
      if (!file) {
        const index = load(join(root, "index.html"));
        if (!index) {
          res.writeHead(503, { "content-type": "application/json; charset=utf-8" });
          res.end(
            errorBody(
              "PortalNotBuilt",
              `The portal is not built (no index.html in ${root}). Build it with: node --import tsx scripts/build-portal.ts`,
            ),
          );
          return true;
        }
        res.writeHead(404, { "content-type": "application/json; charset=utf-8" });
        res.end(errorBody("NotFound", `The portal has no file '${relative}'.`));
        return true;
      }
      const headers: Record<string, string> = {
        "content-type": file.contentType,
        etag: file.etag,
        // index.html must be revalidated so a rebuilt app is picked up; assets may be cached briefly.
        "cache-control": isFile ? "public, max-age=300" : "no-cache",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
      };
      if (file.contentType.startsWith("text/html"))
        headers["content-security-policy"] = contentSecurityPolicy;
      if (req.headers["if-none-match"] === file.etag) {
        res.writeHead(304, headers);
        res.end();
        return true;
      }
      headers["content-length"] = String(file.body.length);
      res.writeHead(200, headers);
      res.end(req.method === "HEAD" ? undefined : file.body);
      return true;
    },
  };
}

/** The path below the portal's root, or null when it tries to leave it or is malformed. */
function safeRelativePath(rest: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const parts = decoded.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.some((part) => part === "..")) return null;
  return parts.join(sep);
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
