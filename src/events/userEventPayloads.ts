// Content types of user events (reference §3.7): what a client's payload is sent as, and how the
// upstream's 2xx answer becomes a reply. The answer's Content-Type is read without parameters;
// an empty body means no reply; a non-empty body without Content-Type is binary (as in
// Microsoft's emulator); protobuf payloads travel as `application/x-protobuf`.
import type { DataType, MessagePayload } from "../dataplane/domain/messages.js";
import type { UpstreamResponse } from "./upstreamCaller.js";

const requestTypes: Record<DataType, string> = {
  text: "text/plain",
  json: "application/json",
  binary: "application/octet-stream",
  protobuf: "application/x-protobuf",
};

export function userEventContentType(dataType: DataType): string {
  return requestTypes[dataType];
}

export type ReplyReading =
  | { readonly kind: "none" }
  | { readonly kind: "reply"; readonly payload: MessagePayload }
  | { readonly kind: "invalid"; readonly message: string };

export function readUserEventReply(response: UpstreamResponse): ReplyReading {
  if (response.status === 204 || response.body.length === 0) return { kind: "none" };
  const raw = response.headers["content-type"];
  const header = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const mediaType = (header.split(";", 1)[0] ?? "").trim().toLowerCase();
  let dataType: DataType;
  if (mediaType === "text/plain") dataType = "text";
  else if (mediaType === "application/json") dataType = "json";
  else if (mediaType === "application/x-protobuf") dataType = "protobuf";
  else if (mediaType === "application/octet-stream" || mediaType === "") dataType = "binary";
  else {
    return {
      kind: "invalid",
      message: `the event handler answered with Content-Type "${mediaType}"; use text/plain, application/json or application/octet-stream`,
    };
  }
  if (dataType === "json") {
    try {
      JSON.parse(response.body.toString("utf8"));
    } catch {
      return {
        kind: "invalid",
        message: "the event handler answered application/json with a body that is not JSON",
      };
    }
  }
  return { kind: "reply", payload: { dataType, data: response.body } };
}
