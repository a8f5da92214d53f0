// The load driver: a child process that holds the benchmark's WebSocket clients (raw sockets, see
// rawWebSocket.ts) and drives them: it publishes through HTTP, sends to small groups over the
// clients' own sockets, or raises upstream events, and counts what arrives. Every loop is bounded
// by the harness's stop command and by the caps passed in.
import type { Socket } from "node:net";
import { serveCommands } from "../harness/childRpc.js";
import { LatencySamples } from "../harness/latency.js";
import { openWebSocket } from "./rawWebSocket.js";
import {
  FrameReader,
  encodeClientFrame,
  opcodeClose,
  opcodePing,
  opcodePong,
  opcodeText,
} from "./wsFrames.js";
import { protocols, sentAt, markedPayload, type ClientProtocol, type ProtocolName } from "./protocols.js";
import { HttpPublisher, type PublishOptions } from "./httpPublisher.js";

/** Text frames shorter than this are protocol chatter (pings, acks), not deliveries. */
const minDeliveryLength = 24;

export interface ConnectArgs {
  readonly protocol: ProtocolName;
  readonly host: string;
  readonly port: number;
  readonly hostHeader: string;
  readonly path: string;
  readonly count: number;
  /** Every client joins `bench` ("one"), a group of `groupSize` ("small"), both, or none. */
  readonly groups: "one" | "small" | "both" | "none";
  readonly groupSize: number;
  /** Every `probeEvery`-th client parses payloads for latency. */
  readonly probeEvery: number;
  readonly sourceAddresses: readonly string[];
  readonly concurrency: number;
}

class Client {
  received = 0;
  inSetup = true;
  awaitingReply = false;
  private readonly setupQueue: string[] = [];
  private setupWaiter: ((text: string) => void) | null = null;
  readonly reader: FrameReader;

  constructor(
    readonly socket: Socket,
    readonly probe: boolean,
    readonly group: string | null,
    private readonly onDelivery: (client: Client, payload: Buffer | null) => void,
  ) {
    this.reader = new FrameReader((opcode, payload, length) => this.onFrame(opcode, payload, length), true);
  }

  private onFrame(opcode: number, payload: Buffer | null, length: number): void {
    if (opcode === opcodePing) {
      this.socket.write(encodeClientFrame(opcodePong, payload ?? Buffer.alloc(0)));
      return;
    }
    if (opcode === opcodeClose) {
      state.closedByServer++;
      return;
    }
    if (opcode !== opcodeText && opcode !== 0x2) return;
    if (this.inSetup) {
      const text = (payload ?? Buffer.alloc(0)).toString("utf8");
      if (this.setupWaiter) {
        const waiter = this.setupWaiter;
        this.setupWaiter = null;
        waiter(text);
      } else this.setupQueue.push(text);
      return;
    }
    if (length < minDeliveryLength) return;
    this.onDelivery(this, payload);
  }

  send(text: string): void {
    this.socket.write(encodeClientFrame(opcodeText, Buffer.from(text)));
  }

  next(): Promise<string> {
    const queued = this.setupQueue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => (this.setupWaiter = resolve));
  }

  finishSetup(): void {
    this.inSetup = false;
    this.reader.wantPayload = this.probe;
  }
}

const state = {
  clients: [] as Client[],
  probes: [] as Client[],
  protocol: null as ClientProtocol | null,
  /** Deliveries counted on every client since the last `startCounting`. */
  deliveries: 0,
  closedByServer: 0,
  latency: new LatencySamples(),
  publisher: null as HttpPublisher | null,
  groupSender: null as NodeJS.Timeout | null,
  groupSent: 0,
  eventsCompleted: 0,
  eventsSent: 0,
  eventsRunning: false,
  eventBytes: 100,
  window: { startMs: 0, deliveries: 0, published: 0, events: 0, cpu: process.cpuUsage() },
};

function onDelivery(client: Client, payload: Buffer | null): void {
  state.deliveries++;
  if (!payload) return;
  client.received++;
  state.latency.add(performance.timeOrigin + performance.now() - sentAt(payload));
  if (client.awaitingReply) {
    client.awaitingReply = false;
    state.eventsCompleted++;
    if (state.eventsRunning) sendEvent(client);
  } else state.publisher?.pump();
}

function sendEvent(client: Client): void {
  client.awaitingReply = true;
  state.eventsSent++;
  client.send(state.protocol!.eventMessage(markedPayload(state.eventsSent, state.eventBytes)));
}

async function connectOne(args: ConnectArgs, index: number, protocol: ClientProtocol): Promise<Client> {
  const opened = await openWebSocket({
    host: args.host,
    port: args.port,
    path: args.path,
    hostHeader: args.hostHeader,
    ...(protocol.subprotocol ? { subprotocol: protocol.subprotocol } : {}),
    // Binding before connect makes the kernel search ports linearly (slow at 10k sockets), so
    // a source address is only chosen when one address has too few ephemeral ports.
    ...(args.sourceAddresses.length > 1
      ? { localAddress: args.sourceAddresses[index % args.sourceAddresses.length] as string }
      : {}),
  });
  const small = `g${Math.floor(index / args.groupSize)}`;
  const groups =
    args.groups === "one"
      ? ["bench"]
      : args.groups === "small"
        ? [small]
        : args.groups === "both"
          ? ["bench", small]
          : [];
  const group = args.groups === "small" || args.groups === "both" ? small : null;
  const client = new Client(opened.socket, index % args.probeEvery === 0, group, onDelivery);
  opened.socket.on("data", (chunk: Buffer) => client.reader.push(chunk));
  opened.socket.on("error", () => undefined);
  if (opened.leftover.length > 0) client.reader.push(opened.leftover);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`client ${index} set-up timed out`)), 15_000).unref(),
  );
  await Promise.race([protocol.setup(client, groups), timeout]);
  client.finishSetup();
  return client;
}

async function connect(args: ConnectArgs) {
  const protocol = protocols[args.protocol];
  state.protocol = protocol;
  const started = performance.now();
  let nextIndex = 0;
  let failures = 0;
  let firstError = "";
  const worker = async () => {
    while (nextIndex < args.count) {
      const index = nextIndex++;
      try {
        const client = await connectOne(args, index, protocol);
        state.clients.push(client);
        if (client.probe) state.probes.push(client);
      } catch (error) {
        failures++;
        firstError ||= (error as Error).message;
        // Stop early rather than hammer a server that refuses everything.
        if (failures > Math.max(10, args.count / 100)) break;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.concurrency, args.count) }, worker));
  if (failures > 0) throw new Error(`${failures} of ${args.count} connections failed; first: ${firstError}`);
  return { connected: state.clients.length, probes: state.probes.length, ms: performance.now() - started };
}

function minProbeReceived(): number {
  let min = Number.POSITIVE_INFINITY;
  for (const probe of state.probes) if (probe.received < min) min = probe.received;
  return min === Number.POSITIVE_INFINITY ? 0 : min;
}

function resetCounters(): void {
  state.deliveries = 0;
  state.groupSent = 0;
  state.closedByServer = 0;
  for (const client of state.clients) client.received = 0;
}

function startGroupSends(args: { rate: number; bodyBytes: number }): void {
  const protocol = state.protocol!;
  const started = performance.now();
  let cursor = 0;
  state.groupSender = setInterval(() => {
    const due = Math.floor(((performance.now() - started) * args.rate) / 1000);
    // At most 2,000 sends per 5 ms tick: a driver that falls behind shows as a lower rate.
    for (let n = 0; state.groupSent < due && n < 2000; n++) {
      const client = state.clients[cursor++ % state.clients.length] as Client;
      client.send(
        protocol.groupMessage(client.group ?? "bench", markedPayload(state.groupSent, args.bodyBytes)),
      );
      state.groupSent++;
    }
  }, 5);
}

async function drain(expected: number, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  let last = -1;
  let stableSince = performance.now();
  while (performance.now() < deadline && state.deliveries < expected) {
    await new Promise((r) => setTimeout(r, 50));
    if (state.deliveries !== last) {
      last = state.deliveries;
      stableSince = performance.now();
    } else if (performance.now() - stableSince > 1000) break;
  }
}

serveCommands(
  {
    connect: (args: ConnectArgs) => connect(args),
    startPublishing: (args: PublishOptions) => {
      resetCounters();
      state.publisher = new HttpPublisher(args, minProbeReceived);
      state.publisher.start();
      return null;
    },
    startGroupSends: (args: { rate: number; bodyBytes: number }) => {
      resetCounters();
      startGroupSends(args);
      return null;
    },
    startEvents: (args: { clients: number; bodyBytes: number }) => {
      resetCounters();
      state.eventBytes = args.bodyBytes;
      state.eventsRunning = true;
      state.eventsSent = 0;
      state.eventsCompleted = 0;
      const senders = state.clients.slice(0, args.clients);
      for (const client of senders) client.reader.wantPayload = true;
      for (const client of senders) sendEvent(client);
      return { senders: senders.length };
    },
    windowStart: () => {
      state.latency.reset();
      state.window = {
        startMs: performance.now(),
        deliveries: state.deliveries,
        published: (state.publisher?.published ?? 0) + state.groupSent,
        events: state.eventsCompleted,
        cpu: process.cpuUsage(),
      };
      return null;
    },
    windowEnd: () => {
      const cpu = process.cpuUsage(state.window.cpu);
      return {
        seconds: (performance.now() - state.window.startMs) / 1000,
        deliveries: state.deliveries - state.window.deliveries,
        published: (state.publisher?.published ?? 0) + state.groupSent - state.window.published,
        events: state.eventsCompleted - state.window.events,
        latency: state.latency.summary(),
        driverCpuSeconds: (cpu.user + cpu.system) / 1e6,
        publisherBehind: state.publisher?.behind ?? 0,
      };
    },
    /** Stops every sender, waits for in-flight deliveries, and reports totals since the start. */
    stop: async (args: { recipientsPerMessage: number; drainMs: number }) => {
      const publisher = state.publisher;
      if (publisher) await publisher.stop();
      if (state.groupSender) clearInterval(state.groupSender);
      state.groupSender = null;
      state.eventsRunning = false;
      const sent = (publisher?.published ?? 0) + state.groupSent;
      const expected = sent * args.recipientsPerMessage;
      await drain(expected, args.drainMs);
      state.publisher = null;
      return {
        sent,
        expected,
        delivered: state.deliveries,
        publishErrors: publisher?.errors ?? 0,
        firstPublishError: publisher?.firstError ?? "",
        closedByServer: state.closedByServer,
      };
    },
    closeAll: () => {
      for (const client of state.clients) client.socket.destroy();
      const count = state.clients.length;
      state.clients = [];
      state.probes = [];
      return { closed: count };
    },
  },
  { pid: process.pid },
);
