// A small history-API router: the portal's routes live under /portal, so a reload or a shared
// link opens the same view (the server answers index.html for every such path).
import { useEffect, useState } from "preact/hooks";

export const basePath = "/portal";

export type Route =
  | { readonly page: "home" }
  | { readonly page: "resource"; readonly id: string; readonly blade: string; readonly tab: string | null };

/** `/portal/resource{id}/{blade}` with an optional `?tab=`; anything else is home. */
export function parseRoute(pathname: string, search: string): Route {
  const rest = pathname.startsWith(basePath) ? pathname.slice(basePath.length) : pathname;
  const match = /^\/resource(\/subscriptions\/.+?\/providers\/[^/]+\/[^/]+\/[^/]+)(?:\/([a-z-]+))?\/?$/i.exec(
    decodeURI(rest),
  );
  if (!match) return { page: "home" };
  const tab = new URLSearchParams(search).get("tab");
  return { page: "resource", id: match[1] ?? "", blade: match[2] ?? "overview", tab };
}

export function resourceHref(id: string, blade = "overview", tab?: string): string {
  return `${basePath}/resource${encodeURI(id)}/${blade}${tab ? `?tab=${encodeURIComponent(tab)}` : ""}`;
}

const listeners = new Set<() => void>();

export function navigate(href: string): void {
  if (href === `${window.location.pathname}${window.location.search}`) return;
  window.history.pushState(null, "", href);
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", () => {
  for (const listener of listeners) listener();
});

export function useRoute(): Route {
  const read = (): Route => parseRoute(window.location.pathname, window.location.search);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = (): void => setRoute(read());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return route;
}

/** Click handler for internal links: navigate without a page load (ctrl/middle click still opens a tab). */
export function linkClick(event: MouseEvent, href: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
    return;
  event.preventDefault();
  navigate(href);
}
