// List results with ARM's `nextLink` paging. The link is absolute on the origin the client used
// and carries the api-version, because arm-webpubsub follows it verbatim without adding one.
import type { ArmContext, ArmResult } from "./routeTable.js";

const skipTokenParameter = "$skipToken";

/** One page of `items` starting at the offset in `$skipToken`, with a `nextLink` when more remain. */
export function pageOf(context: ArmContext, items: readonly unknown[]): ArmResult {
  const raw = context.query.get(skipTokenParameter) ?? context.query.get(skipTokenParameter.toLowerCase());
  const offset = raw !== null && /^\d+$/.test(raw) ? Number(raw) : 0;
  const end = offset + context.pageSize;
  const value = items.slice(offset, end);
  if (end >= items.length) return { status: 200, body: { value } };
  const next = new URL(context.path, context.origin);
  next.searchParams.set("api-version", context.apiVersion);
  next.searchParams.set(skipTokenParameter, String(end));
  return { status: 200, body: { value, nextLink: next.toString() } };
}
