// A raw `ws` client for end-to-end tests: opens a connection (with the JSON subprotocol or none),
// reads the `connected` message, and hands out incoming data messages, frames, acks and the
// close in order, each wait bounded in time.
import WebSocket from "ws";

export const jsonProtocol = "json.webpubsub.azure.v1";
const waitMs = 5000;

export interface Frame {
  readonly binary: boolean;
  /** The text, or base64 of binary frames. */
  readonly text: string;
}

interface JsonMessage {
  type: string;
  event?: string;
  from?: string;
  group?: string;
  dataType?: string;
  data?: unknown;
  ackId?: number;
  success?: boolean;
  error?: { name: string; message: string };
  userId?: string | null;
  connectionId?: string;
  message?: string;
}

export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export class TestClient {
  private readonly frames: Frame[] = [];
  private readonly waiters: (() => void)[] = [];
  private closeInfo: { code: number } | undefined;
  private nextAckId = 1;
  connectionId = "";
  userId: string | null = null;

  private constructor(
    private readonly socket: WebSocket,
    readonly protocol: string | null,
  ) {
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      this.frames.push({
        binary: isBinary,
        text: isBinary ? data.toString("base64") : data.toString("utf8"),
      });
      this.wake();
    });
    socket.on("close", (code) => {
      this.closeInfo = { code };
      this.wake();
    });
    socket.on("error", () => undefined);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Connects; for the JSON subprotocol waits for `connected` and records the ids. */
  static async open(url: string, protocol: string | null): Promise<TestClient> {
    const socket = protocol ? new WebSocket(url, protocol) : new WebSocket(url);
    const client = new TestClient(socket, protocol);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`connecting to ${url} timed out`)), waitMs);
      socket.once("open", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once("unexpected-response", (_request, response) => {
        clearTimeout(timer);
        reject(new Error(`the upgrade was refused with HTTP ${response.statusCode}`));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    if (protocol) {
      const connected = await client.nextJson();
      if (connected.type !== "system" || connected.event !== "connected") {
        throw new Error(`expected the connected message, got ${JSON.stringify(connected)}`);
      }
      client.connectionId = connected.connectionId ?? "";
      client.userId = connected.userId ?? null;
    }
    return client;
  }

  async nextFrame(): Promise<Frame> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const frame = this.frames.shift();
      if (frame) return frame;
      if (this.closeInfo)
        throw new Error(`the socket closed (${this.closeInfo.code}) while waiting for a frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a frame");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async nextJson(): Promise<JsonMessage> {
    const frame = await this.nextFrame();
    return JSON.parse(frame.text) as JsonMessage;
  }

  /** The next data message (`type: "message"`), skipping nothing: any other message fails. */
  async nextData(): Promise<JsonMessage> {
    const message = await this.nextJson();
    if (message.type !== "message")
      throw new Error(`expected a data message, got ${JSON.stringify(message)}`);
    return message;
  }

  /** Sends a request with a fresh ackId and returns its ack (data messages before it are kept). */
  async request(message: Record<string, unknown>): Promise<JsonMessage> {
    const ackId = this.nextAckId++;
    this.socket.send(JSON.stringify({ ...message, ackId }));
    const kept: Frame[] = [];
    try {
      for (;;) {
        const frame = await this.nextFrame();
        const parsed = JSON.parse(frame.text) as JsonMessage;
        if (parsed.type === "ack" && parsed.ackId === ackId) return parsed;
        kept.push(frame);
      }
    } finally {
      this.frames.unshift(...kept);
    }
  }

  /** Waits for the server to close: the `disconnected` reason (if sent) and the close code. */
  async closed(): Promise<{ disconnected: string | null; code: number }> {
    let disconnected: string | null = null;
    for (;;) {
      let frame: Frame;
      try {
        frame = await this.nextFrame();
      } catch (error) {
        if (this.closeInfo) return { disconnected, code: this.closeInfo.code };
        throw error;
      }
      const parsed = JSON.parse(frame.text) as JsonMessage;
      if (parsed.type === "system" && parsed.event === "disconnected") disconnected = parsed.message ?? "";
    }
  }

  close(): void {
    this.socket.close();
  }
}
