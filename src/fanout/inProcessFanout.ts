// The single-node fan-out: a published delivery goes straight to the local deliverer, in the
// caller's tick, so a REST send has reached every socket's queue when its 202 is written.
import type { Delivery, DeliveryListener, Fanout } from "./fanout.js";

export function createInProcessFanout(): Fanout {
  const listeners = new Set<DeliveryListener>();
  return {
    publish(delivery: Delivery): Promise<void> {
      for (const listener of listeners) listener(delivery);
      return Promise.resolve();
    },
    subscribe(listener: DeliveryListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): Promise<void> {
      listeners.clear();
      return Promise.resolve();
    },
  };
}
