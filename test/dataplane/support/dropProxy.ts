// A TCP relay between test clients and the server on 127.0.0.1, so a test can cut a client's
// connection (a network drop the server only sees as a reset) or stop reading from the server
// (a client too slow to take its messages), without touching client or server internals.
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface RelayedPair {
  readonly client: net.Socket;
  readonly server: net.Socket;
}

export class DropProxy {
  readonly pairs: RelayedPair[] = [];
  private readonly listener: net.Server;
  port = 0;

  constructor(private readonly targetPort: number) {
    this.listener = net.createServer((client) => {
      const server = net.connect(this.targetPort, "127.0.0.1");
      client.pipe(server);
      server.pipe(client);
      const destroyBoth = (): void => {
        client.destroy();
        server.destroy();
      };
      client.on("error", destroyBoth);
      server.on("error", destroyBoth);
      client.on("close", destroyBoth);
      server.on("close", destroyBoth);
      this.pairs.push({ client, server });
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.listener.listen(0, "127.0.0.1", resolve));
    this.port = (this.listener.address() as AddressInfo).port;
    return this.port;
  }

  /** Cuts every relayed connection at once (both sides see a reset, no close frame). */
  dropAll(): void {
    for (const pair of this.pairs.splice(0)) {
      pair.client.resetAndDestroy();
      pair.server.resetAndDestroy();
    }
  }

  /** Stops reading what the server sends on every current connection. */
  stallServerSide(): void {
    for (const pair of this.pairs) {
      pair.server.unpipe(pair.client);
      pair.server.pause();
    }
  }

  /** Reads what the server sends again (undoes `stallServerSide`). */
  resumeServerSide(): void {
    for (const pair of this.pairs) {
      pair.server.pipe(pair.client);
      pair.server.resume();
    }
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}
