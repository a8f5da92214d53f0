// Service-side keep-alive: every live socket gets a WebSocket ping each hub's
// `webSocketKeepAliveIntervalInSeconds`, and a socket silent (no frame, no pong) for three
// intervals is dropped as `PingTimeout` (a reliable connection then waits to be recovered).
import type { ConnectionRegistry } from "../connections/connectionRegistry.js";
import type { HubSettingsSource } from "../domain/hubSettings.js";

const sweepEveryMs = 1000;
const silentIntervalsBeforeTimeout = 3;

export function startKeepAlive(registry: ConnectionRegistry, hubSettings: HubSettingsSource): () => void {
  const timer = setInterval(() => {
    const now = Date.now();
    const intervals = new Map<string, number>();
    for (const connection of [...registry.liveConnections()]) {
      let intervalMs = intervals.get(connection.hub);
      if (intervalMs === undefined) {
        intervalMs = hubSettings.get(connection.hub).webSocketKeepAliveIntervalInSeconds * 1000;
        intervals.set(connection.hub, intervalMs);
      }
      const socket = connection.socket;
      if (!socket) continue;
      if (now - connection.lastSeen > intervalMs * silentIntervalsBeforeTimeout) {
        registry.traceConnection(connection, "connection.pingTimeout", {
          silentMs: now - connection.lastSeen,
        });
        connection.detach();
        socket.terminate();
        registry.socketClosed(connection, 1006, "PingTimeout");
        continue;
      }
      if (now - connection.lastPing >= intervalMs) {
        connection.lastPing = now;
        try {
          socket.ping();
        } catch {
          // The socket is closing; its close event ends or holds the connection.
        }
      }
    }
  }, sweepEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
