// Portal notifications (the bell in Azure's top bar): each long-running action shows one while it
// runs and keeps its outcome, with the ARM error in words when it failed.
import { useEffect, useState } from "preact/hooks";
import { toArmError } from "./useArmData.js";

export interface Notification {
  readonly id: number;
  readonly title: string;
  readonly state: "running" | "succeeded" | "failed";
  readonly detail: string;
  readonly time: number;
}

/** How long a toast stays on screen after its outcome: successes go away sooner than failures. */
export const succeededToastMs = 8000;
export const failedToastMs = 20_000;

let notifications: Notification[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function publish(): void {
  for (const listener of listeners) listener();
}

function update(id: number, change: Partial<Notification>): void {
  notifications = notifications.map((n) => (n.id === id ? { ...n, ...change } : n));
  publish();
}

export function dismiss(id: number): void {
  notifications = notifications.filter((n) => n.id !== id);
  publish();
}

/**
 * Runs an action under a notification. Resolves with the action's result, or rethrows its
 * failure (as ArmError) after recording it, so forms can show it too.
 */
export async function track<T>(title: string, action: () => Promise<T>, success = "Succeeded"): Promise<T> {
  const id = nextId++;
  notifications = [
    { id, title, state: "running" as const, detail: "In progress…", time: Date.now() },
    ...notifications,
  ].slice(0, 20);
  publish();
  try {
    const result = await action();
    update(id, { state: "succeeded", detail: success, time: Date.now() });
    setTimeout(() => dismiss(id), succeededToastMs);
    return result;
  } catch (error) {
    const armError = toArmError(error);
    update(id, { state: "failed", detail: `${armError.code}: ${armError.message}`, time: Date.now() });
    // The toast leaves the screen after a while (the bell keeps it); re-render then.
    setTimeout(publish, failedToastMs + 50);
    throw armError;
  }
}

export function useNotifications(): readonly Notification[] {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = (): void => setVersion((v) => v + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return notifications;
}
