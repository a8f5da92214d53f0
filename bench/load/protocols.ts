// What each server under test expects on the wire after the WebSocket upgrade: how a load client
// joins a group, sends to a group and raises an event. wpslink and the bare `ws` server speak the
// `json.webpubsub.azure.v1` subset; socket.io speaks its own packet format (engine.io v4).

export type ProtocolName = "wpslink" | "ws" | "socketio";

/** The text frames of one connection while it is being set up. */
export interface SetupChannel {
  send(text: string): void;
  /** The next text frame from the server. */
  next(): Promise<string>;
}

export interface ClientProtocol {
  readonly subprotocol?: string;
  /** Steps after the upgrade until the connection is ready and a member of every group in `groups`. */
  setup(channel: SetupChannel, groups: readonly string[]): Promise<void>;
  /** Client → server text that publishes `text` to `group`. */
  groupMessage(group: string, text: string): string;
  /** Client → server text that raises the user event `echo` with `text`. */
  eventMessage(text: string): string;
}

async function expectFrame(channel: SetupChannel, accept: (text: string) => boolean, what: string) {
  // Bounded: a server that floods unrelated frames during set-up is an error, not a wait.
  for (let i = 0; i < 16; i++) {
    const text = await channel.next();
    if (accept(text)) return text;
  }
  throw new Error(`expected ${what} during connection set-up`);
}

const webPubSubJson: ClientProtocol = {
  subprotocol: "json.webpubsub.azure.v1",
  async setup(channel, groups) {
    await expectFrame(channel, (t) => t.includes('"connected"'), "the connected system message");
    for (const [index, group] of groups.entries()) {
      channel.send(JSON.stringify({ type: "joinGroup", group, ackId: index + 1 }));
      const ack = await expectFrame(channel, (t) => t.includes('"ack"'), "the joinGroup ack");
      const parsed = JSON.parse(ack) as { success?: boolean; ackId?: number };
      if (parsed.success !== true || parsed.ackId !== index + 1) throw new Error(`joinGroup failed: ${ack}`);
    }
  },
  groupMessage: (group, text) => JSON.stringify({ type: "sendToGroup", group, dataType: "text", data: text }),
  eventMessage: (text) => JSON.stringify({ type: "event", event: "echo", dataType: "text", data: text }),
};

const socketIo: ClientProtocol = {
  async setup(channel, groups) {
    await expectFrame(channel, (t) => t.startsWith("0{"), "the engine.io open packet");
    channel.send("40");
    await expectFrame(channel, (t) => t.startsWith("40"), "the namespace connect packet");
    for (const [index, group] of groups.entries()) {
      const ackId = index + 1;
      channel.send(`42${ackId}${JSON.stringify(["join", group])}`);
      await expectFrame(channel, (t) => t.startsWith(`43${ackId}[`), "the join acknowledgement");
    }
  },
  groupMessage: (group, text) => `42${JSON.stringify(["send", group, text])}`,
  eventMessage: (text) => `42${JSON.stringify(["echo", text])}`,
};

export const protocols: Record<ProtocolName, ClientProtocol> = {
  wpslink: webPubSubJson,
  ws: webPubSubJson,
  socketio: socketIo,
};

/** The payload every published message carries: send time and sequence, then padding. */
export function markedPayload(sequence: number, totalBytes: number): string {
  const head = `@t=${(performance.timeOrigin + performance.now()).toFixed(3)}@s=${sequence}@`;
  return totalBytes > head.length ? head + "x".repeat(totalBytes - head.length) : head;
}

/** The send time (ms since the epoch) carried by a marked payload, or NaN. */
export function sentAt(frame: Buffer): number {
  const start = frame.indexOf("@t=");
  if (start < 0) return Number.NaN;
  const end = frame.indexOf(64 /* @ */, start + 3);
  return Number(frame.toString("latin1", start + 3, end));
}
