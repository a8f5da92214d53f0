// Reading REST request bodies: a 1 MB limit (the service's message limit; Microsoft's emulator
// caps REST bodies at 1 MiB too), the three message content types of the REST spec, and the
// optional `X-WebPubSub-Metadata-*` headers (a newer protocol feature; limits as the emulator's).
import type { IncomingMessage } from "node:http";
import type { DataMessage, MessagePayload } from "../domain/messages.js";
import { refuse } from "./restErrors.js";

export const maxBodyBytes = 1024 * 1024;

export function readBody(request: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.reject(tooLarge(limit, declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(limit, size));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (!failed) resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    });
    request.on("error", (error) => {
      if (!failed) reject(refuse.badRequest(`The request body could not be read: ${error.message}`));
    });
  });
}

function tooLarge(limit: number, size: number) {
  return refuse.payloadTooLarge(
    `The request body is larger than the ${limit}-byte limit (at least ${size} bytes).`,
  );
}

/** The media type of the request without parameters, lower-cased; "" when absent. */
export function mediaType(request: IncomingMessage): string {
  return (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

const messageTypes: Record<string, MessagePayload["dataType"]> = {
  "text/plain": "text",
  "application/json": "json",
  "application/octet-stream": "binary",
};

/** Reads a send body into a server message; refuses unknown content types and invalid JSON. */
export async function readMessage(request: IncomingMessage): Promise<DataMessage> {
  const type = mediaType(request);
  const dataType = messageTypes[type];
  if (!dataType) {
    request.resume();
    throw refuse.unsupportedMediaType(
      `${type ? `Content-Type '${type}' is` : "A missing Content-Type is"} not supported for messages; use text/plain, application/json or application/octet-stream.`,
    );
  }
  const metadata = readMetadata(request);
  const data = await readBody(request);
  if (dataType === "json") {
    try {
      JSON.parse(data.toString("utf8"));
    } catch (error) {
      throw refuse.badRequest(
        `The body is not valid JSON (Content-Type application/json): ${error instanceof Error ? error.message : String(error)}`,
        "message",
      );
    }
  }
  return metadata
    ? { from: "server", payload: { dataType, data }, metadata }
    : { from: "server", payload: { dataType, data } };
}

const metadataPrefix = "x-webpubsub-metadata-";
const maxMetadataKey = 256;
const maxMetadataValue = 1024;
const maxMetadataTotal = 8 * 1024;

function readMetadata(request: IncomingMessage): Record<string, string> | undefined {
  let metadata: Record<string, string> | undefined;
  let total = 0;
  for (const [name, value] of Object.entries(request.headers)) {
    if (!name.startsWith(metadataPrefix) || value === undefined) continue;
    const key = name.slice(metadataPrefix.length);
    const text = Array.isArray(value) ? value.join(",") : value;
    if (key.length === 0 || key.length > maxMetadataKey || text.length > maxMetadataValue) {
      throw refuse.badRequest(
        `Metadata header '${name}' is invalid: keys are 1-${maxMetadataKey} characters, values at most ${maxMetadataValue}.`,
        name,
      );
    }
    total += key.length + text.length;
    if (total > maxMetadataTotal)
      throw refuse.badRequest(`Message metadata exceeds ${maxMetadataTotal} characters.`);
    metadata ??= {};
    metadata[key] = text;
  }
  return metadata;
}
