// Keep-alive connections to upstream origins. Each origin gets up to N undici `Client`s, each
// holding one socket opened through the egress dialer. wpslink picks the client for every call
// itself (rather than using an undici Pool) so it knows which socket, and therefore which
// network path and addresses, carried the call.
import { Client } from "undici";
import type { DialRoute, EgressDialer } from "../network/egressDialer.js";
import { undiciConnectorFor } from "../network/undiciConnector.js";

interface PooledClient {
  readonly client: Client;
  inFlight: number;
  /** Updated by the connector each time the client (re)connects. */
  readonly sockets: { route: DialRoute | undefined; openSockets: number };
}

export interface ClientLease {
  readonly client: Client;
  /** The route of the socket that carries the call (known once it is connected). */
  route(): DialRoute | undefined;
  release(): void;
}

export interface UpstreamClientPoolOptions {
  readonly dialer: EgressDialer;
  readonly maxConnectionsPerOrigin: number;
  readonly keepAliveTimeoutMs: number;
}

export class UpstreamClientPool {
  private readonly origins = new Map<string, PooledClient[]>();
  private retired: PooledClient[] = [];

  constructor(private readonly options: UpstreamClientPoolOptions) {}

  /** A client for `origin` (`http(s)://host:port`): an idle one, a new one, or the least busy. */
  acquire(origin: string): ClientLease {
    let entries = this.origins.get(origin);
    if (!entries) {
      entries = [];
      this.origins.set(origin, entries);
    }
    let entry = entries.find((e) => e.inFlight === 0);
    if (!entry && entries.length < this.options.maxConnectionsPerOrigin) {
      entry = this.createClient(origin);
      entries.push(entry);
    }
    entry ??= entries.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    const chosen = entry;
    chosen.inFlight++;
    let released = false;
    return {
      client: chosen.client,
      route: () => chosen.sockets.route,
      release: () => {
        if (released) return;
        released = true;
        chosen.inFlight--;
      },
    };
  }

  private createClient(origin: string): PooledClient {
    const sockets = { route: undefined as DialRoute | undefined, openSockets: 0 };
    const connect = undiciConnectorFor(this.options.dialer, (socket, route) => {
      sockets.route = route;
      sockets.openSockets++;
      socket.once("close", () => sockets.openSockets--);
    });
    const client = new Client(origin, {
      connect,
      pipelining: 1,
      keepAliveTimeout: this.options.keepAliveTimeoutMs,
      keepAliveMaxTimeout: this.options.keepAliveTimeoutMs,
      // wpslink enforces its own per-attempt deadline; undici's own timers stay out of the way.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return { client, inFlight: 0, sockets };
  }

  /** Sockets currently open to upstreams (for diagnostics and leak tests). */
  openSockets(): number {
    let count = 0;
    for (const entries of this.origins.values()) for (const e of entries) count += e.sockets.openSockets;
    for (const e of this.retired) count += e.sockets.openSockets;
    return count;
  }

  /** New calls get new connections; existing ones finish their calls and close (route changes). */
  drain(): void {
    const old = [...this.origins.values()].flat();
    this.origins.clear();
    this.retired.push(...old);
    for (const e of old) {
      e.client.close().then(
        () => (this.retired = this.retired.filter((r) => r !== e)),
        () => undefined,
      );
    }
  }

  /** Closes every connection at once, failing calls still in flight. */
  async destroy(): Promise<void> {
    const all = [...[...this.origins.values()].flat(), ...this.retired];
    this.origins.clear();
    this.retired = [];
    await Promise.all(all.map((e) => e.client.destroy().catch(() => undefined)));
  }
}
