// What travels over Redis pub/sub between wpslink nodes, as one binary-safe message:
//   [u32 big-endian header length][header: UTF-8 JSON][body: payload bytes, raw]
// The payload stays raw bytes (no base64) so a 1 MB binary send costs 1 MB on the wire, and the
// receiving node rebuilds exactly one DataMessage per delivery, which its local deliverer then
// encodes once per subprotocol.
import type { DeliveryTarget } from "../fanout.js";
import type { DataMessage, DataType } from "../../dataplane/domain/messages.js";

/** A data message for connections on any node. */
export interface DeliveryHeader {
  readonly kind: "delivery";
  readonly origin: string;
  readonly hub: string;
  readonly target: DeliveryTarget;
  readonly message: {
    readonly from: DataMessage["from"];
    readonly group?: string;
    readonly fromUserId?: string | null;
    readonly dataType: DataType;
    readonly metadata?: Readonly<Record<string, string>>;
  };
  readonly excluded?: readonly string[];
  readonly filterText?: string;
  readonly ttlSeconds?: number;
}

/** A hub operation every node runs on the connections it holds, then answers. */
export interface RequestHeader {
  readonly kind: "request";
  readonly origin: string;
  readonly id: number;
  readonly hub: string;
  readonly operation: string;
  readonly args: readonly unknown[];
}

/** One node's answer to a request. */
export interface ReplyHeader {
  readonly kind: "reply";
  readonly node: string;
  readonly id: number;
  readonly result?: unknown;
  /** Set when the operation failed on that node. */
  readonly error?: string;
}

export type EnvelopeHeader = DeliveryHeader | RequestHeader | ReplyHeader;

const emptyBody = Buffer.alloc(0);

export function encodeEnvelope(header: EnvelopeHeader, body: Buffer = emptyBody): Buffer {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const envelope = Buffer.allocUnsafe(4 + json.length + body.length);
  envelope.writeUInt32BE(json.length, 0);
  json.copy(envelope, 4);
  body.copy(envelope, 4 + json.length);
  return envelope;
}

const kinds = new Set(["delivery", "request", "reply"]);

/** Throws on anything that is not an envelope (another program publishing on our channels). */
export function decodeEnvelope(envelope: Buffer): { header: EnvelopeHeader; body: Buffer } {
  if (envelope.length < 4) throw new Error("Fan-out envelope is shorter than its length prefix");
  const headerLength = envelope.readUInt32BE(0);
  if (4 + headerLength > envelope.length) throw new Error("Fan-out envelope header is truncated");
  const header = JSON.parse(envelope.toString("utf8", 4, 4 + headerLength)) as EnvelopeHeader;
  if (typeof header !== "object" || header === null || !kinds.has(header.kind)) {
    throw new Error("Fan-out envelope has no known kind");
  }
  // A view of the received message: the payload is not copied again.
  return { header, body: envelope.subarray(4 + headerLength) };
}
