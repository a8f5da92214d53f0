// The message model shared by every surface of the data plane: REST sends, client-to-group
// sends, upstream replies. Payload bytes are kept as one Buffer so a broadcast can be encoded
// once per subprotocol and the same bytes written to every socket.

/** How a payload is typed on the wire (JSON subprotocols' `dataType`). */
export type DataType = "text" | "json" | "binary" | "protobuf";

/**
 * A payload as received: `text` and `json` hold UTF-8 bytes (json = the serialised JSON value),
 * `binary` and `protobuf` hold the raw bytes (protobuf = a serialised google.protobuf.Any).
 */
export interface MessagePayload {
  readonly dataType: DataType;
  readonly data: Buffer;
}

/** A data message on its way to clients (`type: "message"` on the JSON subprotocols). */
export interface DataMessage {
  readonly from: "server" | "group";
  /** Set when `from` is "group". */
  readonly group?: string;
  /** The sender's user id for client-to-group messages; null when the sender has none. */
  readonly fromUserId?: string | null;
  readonly payload: MessagePayload;
  /** Optional string map (newer protocol feature); absent when empty. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The two permissions a connection can hold, as the REST API names them. */
export type Permission = "sendToGroup" | "joinLeaveGroup";
