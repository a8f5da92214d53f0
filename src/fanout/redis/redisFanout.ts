// The clustered fan-out: several wpslink nodes serving the same resource share one Redis, and
// every data message, close and group operation reaches the connections of every node.
//
// Channels (Redis pub/sub), `{prefix}` being the channel prefix and `{resource}` the resource:
//   {prefix}:{resource}:hub:{hub}        deliveries and hub-operation requests for one hub; each
//                                        node listens to all hubs with one pattern subscription
//   {prefix}:{resource}:reply:{nodeId}   answers to the requests a node sent
// A node delivers its own publications to its local deliverer directly, in the caller's tick (as
// the in-process fan-out does), and ignores their echo from Redis. A request goes to every node
// including the sender; PUBLISH returns how many nodes received it, so the sender knows how many
// answers to wait for without any node registry.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { ConnectionPredicate, HubOperations } from "../../dataplane/domain/hubOperations.js";
import type { DataMessage } from "../../dataplane/domain/messages.js";
import type { Delivery, DeliveryListener, Fanout } from "../fanout.js";
import { ClusterHubOperations, isClusterOperation, runClusterOperation } from "./clusterHubOperations.js";
import {
  decodeEnvelope,
  encodeEnvelope,
  type DeliveryHeader,
  type ReplyHeader,
  type RequestHeader,
} from "./redisEnvelope.js";

export interface RedisFanoutOptions {
  /** Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Keeps unrelated deployments (or test runs) sharing a Redis apart. */
  readonly channelPrefix: string;
  readonly resourceName: string;
  /** Compiles the OData filter text of a send or bulk group operation again on the receiving node. */
  readonly compileFilter: (text: string) => ConnectionPredicate;
  /** How long a hub operation waits for every node's answer (default 5 s). */
  readonly requestTimeoutMs?: number;
  /** How long start-up waits for Redis (default 3 s). */
  readonly connectTimeoutMs?: number;
  /** Deliveries or requests from other nodes that could not be handled. */
  readonly onError?: (error: Error) => void;
}

export interface RedisFanout extends Fanout {
  readonly nodeId: string;
  /**
   * Lets other nodes' operations act on this node's connections (through `localHubs`) and returns
   * the hub operations over the connections of every node, for the REST API.
   */
  clusterHubs(localHubs: (hub: string) => HubOperations): (hub: string) => HubOperations;
}

interface PendingRequest {
  readonly answers: ReplyHeader[];
  expected: number | undefined;
  readonly resolve: (results: unknown[]) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Escapes Redis glob characters so a prefix or resource name matches only itself. */
function globLiteral(text: string): string {
  return text.replace(/[\\*?[\]]/g, (character) => `\\${character}`);
}

function deliveryHeader(origin: string, delivery: Delivery): DeliveryHeader {
  const { message } = delivery;
  return {
    kind: "delivery",
    origin,
    hub: delivery.hub,
    target: delivery.target,
    message: {
      from: message.from,
      ...(message.group !== undefined ? { group: message.group } : {}),
      ...(message.fromUserId !== undefined ? { fromUserId: message.fromUserId } : {}),
      dataType: message.payload.dataType,
      ...(message.metadata ? { metadata: message.metadata } : {}),
    },
    ...(delivery.excluded?.length ? { excluded: delivery.excluded } : {}),
    ...(delivery.filterText !== undefined ? { filterText: delivery.filterText } : {}),
    ...(delivery.ttlSeconds ? { ttlSeconds: delivery.ttlSeconds } : {}),
  };
}

/** Connects to Redis and subscribes; rejects with how to start Redis when it is not reachable. */
export async function createRedisFanout(options: RedisFanoutOptions): Promise<RedisFanout> {
  const url = options.url ?? "redis://127.0.0.1:6379";
  const nodeId = randomUUID();
  const base = `${options.channelPrefix}:${options.resourceName}`;
  const hubChannel = (hub: string): string => `${base}:hub:${hub}`;
  const replyChannel = (node: string): string => `${base}:reply:${node}`;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  const reportError = options.onError ?? (() => undefined);

  const redisOptions = {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 3_000,
    // Fail a command after a few retries instead of queueing forever while Redis is down.
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
  };
  // Auto-pipelining sends the PUBLISH commands of one tick in one write (a burst of sends).
  // Named so an operator (or a test) can find this node's connections in `CLIENT LIST`.
  const publisher = new Redis(url, {
    ...redisOptions,
    enableAutoPipelining: true,
    connectionName: `wpslink-fanout-pub-${nodeId}`,
  });
  const subscriber = new Redis(url, { ...redisOptions, connectionName: `wpslink-fanout-sub-${nodeId}` });
  // Connection errors surface through commands and start-up; the events must not crash the process.
  publisher.on("error", () => undefined);
  subscriber.on("error", () => undefined);
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.psubscribe(`${globLiteral(base)}:hub:*`);
    await subscriber.subscribe(replyChannel(nodeId));
  } catch (error) {
    publisher.disconnect();
    subscriber.disconnect();
    throw new Error(
      `The Redis fan-out cannot reach ${url} (${(error as Error).message}). ` +
        "Start Redis there (for example `redis-server --port 6379 --daemonize yes`) or point " +
        "--redis-url (WPSLINK_REDIS_URL) at a running Redis.",
    );
  }

  const listeners = new Set<DeliveryListener>();
  const pending = new Map<number, PendingRequest>();
  let localHubs: ((hub: string) => HubOperations) | undefined;
  let nextRequestId = 0;
  let closed = false;

  const settle = (id: number): void => {
    const request = pending.get(id);
    if (!request || request.expected === undefined || request.answers.length < request.expected) return;
    pending.delete(id);
    clearTimeout(request.timer);
    const failed = request.answers.find((answer) => answer.error !== undefined);
    if (failed) request.reject(new Error(`Node ${failed.node} failed the operation: ${failed.error}`));
    else request.resolve(request.answers.map((answer) => answer.result));
  };

  const deliverRemote = (header: DeliveryHeader, body: Buffer): void => {
    if (header.origin === nodeId) return;
    // One DataMessage per delivery, so the local deliverer encodes it once per subprotocol.
    const message: DataMessage = {
      from: header.message.from,
      ...(header.message.group !== undefined ? { group: header.message.group } : {}),
      ...(header.message.fromUserId !== undefined ? { fromUserId: header.message.fromUserId } : {}),
      payload: { dataType: header.message.dataType, data: body },
      ...(header.message.metadata ? { metadata: header.message.metadata } : {}),
    };
    const delivery: Delivery = {
      hub: header.hub,
      target: header.target,
      message,
      ...(header.excluded ? { excluded: header.excluded } : {}),
      ...(header.filterText !== undefined
        ? { filterText: header.filterText, filter: options.compileFilter(header.filterText) }
        : {}),
      ...(header.ttlSeconds ? { ttlSeconds: header.ttlSeconds } : {}),
    };
    for (const listener of listeners) listener(delivery);
  };

  const answer = async (request: RequestHeader): Promise<void> => {
    let reply: ReplyHeader;
    try {
      if (!localHubs)
        throw new Error("this node has no hub operations attached (clusterHubs was not called)");
      if (!isClusterOperation(request.operation)) throw new Error(`unknown operation ${request.operation}`);
      const result = await runClusterOperation(
        localHubs(request.hub),
        request.operation,
        request.args,
        options.compileFilter,
      );
      reply = { kind: "reply", node: nodeId, id: request.id, result };
    } catch (error) {
      reply = { kind: "reply", node: nodeId, id: request.id, error: (error as Error).message };
    }
    if (!closed) await publisher.publish(replyChannel(request.origin), encodeEnvelope(reply));
  };

  // Pub/sub keeps nothing for a subscriber that is away: say so loudly, once per outage. Redis
  // also drops a subscriber whose unread backlog passes `client-output-buffer-limit pubsub`.
  // ioredis reconnects and subscribes again by itself.
  let subscriberDown = false;
  subscriber.on("close", () => {
    if (closed || subscriberDown) return;
    subscriberDown = true;
    reportError(
      new Error(
        "The Redis fan-out lost its subscription; messages from other nodes are lost until it reconnects",
      ),
    );
  });
  subscriber.on("ready", () => {
    subscriberDown = false;
  });

  subscriber.on("pmessageBuffer", (_pattern: string, _channel: Buffer, envelope: Buffer) => {
    try {
      const { header, body } = decodeEnvelope(envelope);
      if (header.kind === "delivery") deliverRemote(header, body);
      else if (header.kind === "request") answer(header).catch(reportError);
    } catch (error) {
      reportError(error as Error);
    }
  });
  subscriber.on("messageBuffer", (_channel: Buffer, envelope: Buffer) => {
    try {
      const { header } = decodeEnvelope(envelope);
      if (header.kind !== "reply") return;
      pending.get(header.id)?.answers.push(header);
      settle(header.id);
    } catch (error) {
      reportError(error as Error);
    }
  });

  const scatter = async (hub: string, operation: string, args: readonly unknown[]): Promise<unknown[]> => {
    if (closed) throw new Error("The Redis fan-out is closed");
    const id = ++nextRequestId;
    const results = new Promise<unknown[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        const request = pending.get(id);
        pending.delete(id);
        reject(
          new Error(
            `${operation} on hub ${hub}: ${request?.answers.length ?? 0} of ${request?.expected ?? "?"} ` +
              `nodes answered within ${requestTimeoutMs} ms`,
          ),
        );
      }, requestTimeoutMs);
      pending.set(id, { answers: [], expected: undefined, resolve, reject, timer });
    });
    const header: RequestHeader = { kind: "request", origin: nodeId, id, hub, operation, args };
    try {
      const receivers = await publisher.publish(hubChannel(hub), encodeEnvelope(header));
      const request = pending.get(id);
      if (request) request.expected = receivers;
      settle(id);
    } catch (error) {
      const request = pending.get(id);
      pending.delete(id);
      if (request) clearTimeout(request.timer);
      throw error;
    }
    return results;
  };

  return {
    nodeId,
    async publish(delivery: Delivery): Promise<void> {
      if (delivery.filter && delivery.filterText === undefined) {
        // A compiled predicate cannot be sent to other nodes; refuse rather than deliver to some.
        throw new Error(
          "A filtered send needs its filter text (Delivery.filterText) to reach other wpslink nodes",
        );
      }
      for (const listener of listeners) listener(delivery);
      await publisher.publish(
        hubChannel(delivery.hub),
        encodeEnvelope(deliveryHeader(nodeId, delivery), delivery.message.payload.data),
      );
    },
    subscribe(listener: DeliveryListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clusterHubs(hubs: (hub: string) => HubOperations): (hub: string) => HubOperations {
      localHubs = hubs;
      return (hub: string) => new ClusterHubOperations(hubs(hub), scatter);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      listeners.clear();
      for (const [id, request] of pending) {
        clearTimeout(request.timer);
        request.reject(new Error("The Redis fan-out closed before every node answered"));
        pending.delete(id);
      }
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}
