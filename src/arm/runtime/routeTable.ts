// The declarative route table of the management API: each provider adds routes (method + path
// template + accepted api-versions → handler). The dispatcher matches a request against it,
// checks the api-version and hands the handler an `ArmContext`.
import type { IncomingHttpHeaders } from "node:http";
import type { Store } from "../../store/store.js";
import type { ArmCaller } from "../auth/armCaller.js";
import { compilePathTemplate, type CompiledPathTemplate } from "./pathTemplate.js";
import type { LroEngine } from "./lroEngine.js";

export type ArmMethod = "GET" | "PUT" | "PATCH" | "POST" | "DELETE" | "HEAD";

export interface ArmContext {
  readonly method: ArmMethod;
  /** The request path as received (not decoded, no query). */
  readonly path: string;
  /** Template parameters, percent-decoded, in the caller's casing. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly apiVersion: string;
  /** Parsed JSON body; undefined when the request had none. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  /** `https://host:port` as the client addressed us; absolute URLs we emit start with it. */
  readonly origin: string;
  readonly caller: ArmCaller;
  readonly store: Store;
  readonly operations: LroEngine;
  /** Page size for list operations (see paging.ts). */
  readonly pageSize: number;
}

export interface ArmResult {
  readonly status: number;
  /** Serialised as JSON; omitted for undefined. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ArmRoute {
  readonly method: ArmMethod;
  /** e.g. `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.X/y/{name}` */
  readonly path: string;
  /** api-versions this route accepts, or "any" (operation status URLs, which echo what we emitted). */
  readonly apiVersions: readonly string[] | "any";
  readonly handler: (context: ArmContext) => Promise<ArmResult>;
}

export type RouteMatch =
  | { readonly kind: "found"; readonly route: ArmRoute; readonly params: Record<string, string> }
  | { readonly kind: "wrongMethod"; readonly allowed: readonly ArmMethod[] }
  | { readonly kind: "none" };

interface CompiledRoute {
  readonly route: ArmRoute;
  readonly template: CompiledPathTemplate;
}

export class RouteTable {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: readonly ArmRoute[]): void {
    for (const route of routes) {
      const duplicate = this.routes.find(
        (r) =>
          r.route.method === route.method && r.template.template.toLowerCase() === route.path.toLowerCase(),
      );
      if (duplicate) throw new Error(`route ${route.method} ${route.path} is registered twice`);
      this.routes.push({ route, template: compilePathTemplate(route.path) });
    }
  }

  match(method: string, path: string): RouteMatch {
    const allowed: ArmMethod[] = [];
    // A literal segment beats a parameter: prefer the route with more literal characters.
    let best: { route: ArmRoute; params: Record<string, string>; score: number } | undefined;
    for (const { route, template } of this.routes) {
      const params = template.match(path);
      if (!params) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const score = template.template.replace(/\{[^}]+\}/g, "").length;
      if (!best || score > best.score) best = { route, params, score };
    }
    if (best) return { kind: "found", route: best.route, params: best.params };
    if (allowed.length > 0) return { kind: "wrongMethod", allowed: [...new Set(allowed)] };
    return { kind: "none" };
  }

  /** Every registered route (for documentation and the portal). */
  list(): readonly ArmRoute[] {
    return this.routes.map((r) => r.route);
  }
}

export const ok = (body: unknown, headers?: Record<string, string>): ArmResult => ({
  status: 200,
  body,
  headers,
});
export const created = (body: unknown, headers?: Record<string, string>): ArmResult => ({
  status: 201,
  body,
  headers,
});
export const accepted = (headers: Record<string, string>, body?: unknown): ArmResult => ({
  status: 202,
  body,
  headers,
});
export const noContent = (): ArmResult => ({ status: 204 });
