// Loads the protobuf subprotocols' schema (`proto/webpubsub.v1.proto`) once, at module start-up,
// and compiles it with protobufjs.
//
// Why reflection at start-up rather than static code generated at build time: protobufjs turns
// each reflected type into a dedicated encode/decode function at run time (its codegen emits the
// same straight-line code that `pbjs -t static` writes to disk), so encoding is equally fast,
// there is no generated file to keep in sync with the schema, and no extra build step.
//
// The codec works on a *wire view* of the schema: the same types, except that the members of
// `MessageData` (text_data, json_data: string; protobuf_data: google.protobuf.Any) are read and
// written as `bytes`. All three are length-delimited on the wire, so the bytes are identical, but
// the view lets a payload go from frame to frame as the Buffer it already is: text is not decoded
// to a JS string and re-encoded to UTF-8, an Any is not parsed and re-serialised, and decoding
// returns slices of the received frame instead of copies.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

const SCHEMA_FILE = "proto/webpubsub.v1.proto";
const PACKAGE = "azure.webpubsub";

/**
 * Where the schema file is. Next to this module when running from source; when running the
 * compiled `dist/src/...` module (tsc does not copy .proto files) the file is read from `src/`.
 */
export function protobufSchemaPath(): string {
  const besideModule = new URL(SCHEMA_FILE, import.meta.url);
  const candidates = [fileURLToPath(besideModule)];
  if (besideModule.pathname.includes("/dist/src/")) {
    candidates.push(fileURLToPath(new URL(besideModule.href.replace("/dist/src/", "/src/"))));
  }
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`The protobuf subprotocol schema is missing; looked at ${candidates.join(", ")}`);
  }
  return found;
}

/** The published schema as written (string members stay strings). */
export function loadPublishedProtobufSchema(): protobuf.Root {
  return protobuf.loadSync(protobufSchemaPath());
}

/** The types the codec uses, from the wire view of the schema. */
export interface ProtobufWireTypes {
  readonly upstream: protobuf.Type;
  readonly downstream: protobuf.Type;
  /** DownstreamMessage.DataMessage, encoded on its own so a sequenced copy can reuse it. */
  readonly dataMessage: protobuf.Type;
  readonly any: protobuf.Type;
}

/** The `MessageData` members the view reads as raw bytes (all length-delimited on the wire). */
const BYTES_VIEW_MEMBERS = ["textData", "jsonData", "protobufData"] as const;

function buildWireView(published: protobuf.Root): protobuf.Root {
  // Edit the JSON descriptor (names, ids and oneofs unchanged) and compile it again.
  const descriptor = published.toJSON();
  let namespace: protobuf.INamespace | undefined = descriptor;
  for (const part of PACKAGE.split(".")) namespace = namespace?.nested?.[part] as protobuf.INamespace;
  const messageData = namespace?.nested?.["MessageData"] as protobuf.IType | undefined;
  for (const name of BYTES_VIEW_MEMBERS) {
    const field = messageData?.fields[name];
    if (!field) throw new Error(`The protobuf schema has no ${PACKAGE}.MessageData.${name}`);
    field.type = "bytes";
  }
  const view = protobuf.Root.fromJSON(descriptor);
  view.resolveAll();
  return view;
}

function loadWireTypes(): ProtobufWireTypes {
  const view = buildWireView(loadPublishedProtobufSchema());
  return {
    upstream: view.lookupType(`${PACKAGE}.UpstreamMessage`),
    downstream: view.lookupType(`${PACKAGE}.DownstreamMessage`),
    dataMessage: view.lookupType(`${PACKAGE}.DownstreamMessage.DataMessage`),
    any: view.lookupType("google.protobuf.Any"),
  };
}

/** Compiled once per process; a broken or missing schema fails the import loudly. */
export const protobufWireTypes: ProtobufWireTypes = loadWireTypes();
