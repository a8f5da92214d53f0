// The data-plane REST error shape (`ErrorDetail` in the REST spec: `code`, `message`, `target`,
// with the code repeated in the `x-ms-error-code` header), and the catalog of refusals the REST
// API gives. Codes follow Microsoft's emulator (`Error.BadRequest`, ...), which aims at parity
// with the service.
import type { ServerResponse } from "node:http";

export interface ErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

/** A refusal that becomes an HTTP response with an `ErrorDetail` body. */
export class RestRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "RestRefusal";
  }

  get detail(): ErrorDetail {
    return this.target === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, target: this.target };
  }
}

export const refuse = {
  badRequest: (message: string, target?: string) => new RestRefusal(400, "Error.BadRequest", message, target),
  unauthorized: (message: string) =>
    new RestRefusal(401, "Error.Unauthorized", message, undefined, { "www-authenticate": "Bearer" }),
  notFound: (message: string, target?: string) => new RestRefusal(404, "Error.NotFound", message, target),
  methodNotAllowed: (message: string, allow: readonly string[]) =>
    new RestRefusal(405, "Error.MethodNotAllowed", message, undefined, { allow: allow.join(", ") }),
  payloadTooLarge: (message: string) => new RestRefusal(413, "Error.PayloadTooLarge", message),
  unsupportedMediaType: (message: string) => new RestRefusal(415, "Error.UnsupportedMediaType", message),
  notImplemented: (operation: string, message: string) =>
    new RestRefusal(501, "Error.NotImplemented", message, operation),
  internal: (message: string) => new RestRefusal(500, "Error.InternalServerError", message),
};

/** Writes `refusal` unless the response has already started (then the socket is cut). */
export function writeRefusal(
  response: ServerResponse,
  refusal: RestRefusal,
  method: string | undefined,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = Buffer.from(JSON.stringify(refusal.detail), "utf8");
  response.writeHead(refusal.status, {
    ...refusal.headers,
    "content-type": "application/json; charset=utf-8",
    "x-ms-error-code": refusal.code,
    "content-length": String(body.length),
  });
  // HEAD answers carry the headers only (the SDK's exists checks read just the status).
  response.end(method === "HEAD" ? undefined : body);
}
