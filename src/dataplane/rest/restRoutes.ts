// A small route table for the data-plane REST API. Paths are matched on raw segments, each
// decoded once, so `%2F` inside a user id or group never splits a segment, and literal segments
// with a colon (`:send`, `:closeConnections`, ...) are plain literals (reference/dataplane.md
// §2.10). Literal segments compare case-insensitively.
import { refuse } from "./restErrors.js";

export interface RouteMatch<T> {
  readonly route: T;
  readonly params: Readonly<Record<string, string>>;
}

interface CompiledRoute<T> {
  readonly method: string;
  readonly segments: readonly { readonly literal?: string; readonly param?: string }[];
  readonly route: T;
}

export type RouteLookup<T> =
  | { readonly kind: "found"; readonly match: RouteMatch<T> }
  | { readonly kind: "wrongMethod"; readonly allowed: readonly string[] }
  | { readonly kind: "none" };

/** Splits a raw path into decoded segments; throws a 400 refusal on malformed escapes. */
export function pathSegments(rawPath: string): string[] {
  const trimmed = rawPath.startsWith("/") ? rawPath.slice(1) : rawPath;
  return trimmed.split("/").map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw refuse.badRequest(`The path segment '${segment}' has a malformed percent-encoding.`);
    }
  });
}

export class RouteTable<T> {
  private readonly routes: CompiledRoute<T>[] = [];

  /** `pattern` like `/api/hubs/{hub}/groups/{group}/:send`. */
  add(method: string, pattern: string, route: T): this {
    const segments = pattern
      .slice(1)
      .split("/")
      .map((part) =>
        part.startsWith("{") && part.endsWith("}")
          ? { param: part.slice(1, -1) }
          : { literal: part.toLowerCase() },
      );
    this.routes.push({ method: method.toUpperCase(), segments, route });
    return this;
  }

  lookup(method: string, segments: readonly string[]): RouteLookup<T> {
    const allowed = new Set<string>();
    for (const candidate of this.routes) {
      const params = matchSegments(candidate.segments, segments);
      if (!params) continue;
      if (candidate.method === method) return { kind: "found", match: { route: candidate.route, params } };
      allowed.add(candidate.method);
    }
    return allowed.size > 0 ? { kind: "wrongMethod", allowed: [...allowed] } : { kind: "none" };
  }
}

function matchSegments(
  pattern: CompiledRoute<unknown>["segments"],
  segments: readonly string[],
): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i];
    const actual = segments[i] ?? "";
    if (!expected) return null;
    if (expected.param !== undefined) params[expected.param] = actual;
    else if (expected.literal !== actual.toLowerCase()) return null;
  }
  return params;
}
