// Which event handler of a hub receives an event: the handlers are tried in order and the first
// that subscribes to the event wins. User events match `userEventPattern` (`*` = every event, a
// comma list, or one name; names compared exactly after trimming); system events match
// `systemEvents`.
import type { EventHandlerSettings, HubSettings, SystemEventName } from "../dataplane/domain/hubSettings.js";

export type EventKind = { readonly system: SystemEventName } | { readonly user: string };

/** Parsed patterns: `true` for "every event", else the listed names (patterns are few and reused). */
const parsedPatterns = new Map<string, true | ReadonlySet<string>>();

function parsePattern(pattern: string): true | ReadonlySet<string> {
  let parsed = parsedPatterns.get(pattern);
  if (parsed === undefined) {
    const parts = pattern.split(",").map((part) => part.trim());
    parsed = parts.includes("*") ? true : new Set(parts);
    if (parsedPatterns.size >= 1000) parsedPatterns.clear();
    parsedPatterns.set(pattern, parsed);
  }
  return parsed;
}

export function userEventPatternMatches(pattern: string | undefined, event: string): boolean {
  if (!pattern) return false;
  const parsed = parsePattern(pattern);
  return parsed === true || parsed.has(event);
}

export function handlerSubscribes(handler: EventHandlerSettings, kind: EventKind): boolean {
  if ("system" in kind) return handler.systemEvents?.includes(kind.system) ?? false;
  return userEventPatternMatches(handler.userEventPattern, kind.user);
}

export function selectHandler(settings: HubSettings, kind: EventKind): EventHandlerSettings | undefined {
  return settings.eventHandlers.find((handler) => handlerSubscribes(handler, kind));
}
