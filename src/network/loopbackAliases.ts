// The private path is carried by the TCP connection itself: the egress dialer binds its socket to
// a loopback alias and the site front end reads the peer address. That needs the host to route
// every 127.0.0.0/8 address locally (Linux does; macOS and some containers only have 127.0.0.1).
// `verifyLoopbackAliases` proves it once at start by dialling from an alias, and fails with the
// fix when it cannot, rather than letting private calls silently look public.
import net from "node:net";
import { aliasForPublicOutbound, aliasForVnetAddress, vnetAddresses } from "./addressPlan.js";

export class LoopbackAliasError extends Error {
  override readonly name = "LoopbackAliasError";
}

function fixFor(aliases: readonly string[]): string {
  if (process.platform === "darwin") {
    return (
      "macOS only answers on 127.0.0.1 by default; add the aliases wpslink uses, e.g. " +
      aliases.map((a) => `sudo ifconfig lo0 alias ${a} up`).join(" && ") +
      " (one per resource VNet; see the README, 'Private networking')"
    );
  }
  return (
    "the loopback interface must accept the whole 127.0.0.0/8 range (Linux default). " +
    "Check `ip addr show lo` lists 127.0.0.1/8 (restore with `sudo ip addr add 127.0.0.1/8 dev lo`), " +
    "and that the container or sandbox does not restrict binding to other 127.x addresses"
  );
}

/** Connects from `localAddress` to a throwaway listener and checks the peer address it sees. */
async function probe(localAddress: string, timeoutMs: number): Promise<void> {
  const server = net.createServer();
  const seen = new Promise<string>((resolve) =>
    server.once("connection", (socket) => {
      resolve(socket.remoteAddress ?? "");
      socket.destroy();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port, localAddress });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.end();
        resolve();
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const peer = await seen;
    const plain = peer.startsWith("::ffff:") ? peer.slice(7) : peer;
    if (plain !== localAddress) {
      throw new Error(`the listener saw ${peer || "no address"} instead of ${localAddress}`);
    }
  } finally {
    server.close();
  }
}

/**
 * Proves that sockets can be bound to the aliases of VNet 1 (service address and public outbound
 * address), or to the given ones. Throws a `LoopbackAliasError` naming the fix otherwise.
 */
export async function verifyLoopbackAliases(
  timeoutMs = 2000,
  aliases: readonly string[] = [
    aliasForVnetAddress(vnetAddresses(1).serviceAddress),
    aliasForPublicOutbound(1),
  ],
): Promise<void> {
  for (const alias of aliases) {
    try {
      await probe(alias, timeoutMs);
    } catch (error) {
      throw new LoopbackAliasError(
        `wpslink cannot open connections from the loopback alias ${alias}, which carries the emulated ` +
          `private network (${(error as Error).message}). Fix: ${fixFor(aliases)}.`,
      );
    }
  }
}
