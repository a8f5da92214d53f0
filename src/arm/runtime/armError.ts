// The one catalog of management-plane errors. Every refusal leaves wpslink in ARM's shape,
// `{ "error": { "code", "message", "target"?, "details"? } }`, with the HTTP status and code that
// Azure Resource Manager uses for the same situation, so SDKs surface `RestError.code` as in Azure.

export interface ArmErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details?: readonly ArmErrorDetail[],
    /** Extra response headers (WWW-Authenticate, Retry-After, ...). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ArmError";
  }

  toBody(): {
    error: { code: string; message: string; target?: string; details?: readonly ArmErrorDetail[] };
  } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target === undefined ? {} : { target: this.target }),
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

const bearerChallenge = (error: string): Record<string, string> => ({
  "WWW-Authenticate": `Bearer authorization_uri="/_wpslink/token", error="${error}"`,
});

/** Factories for every error the runtime and the providers raise. */
export const armErrors = {
  missingAuthorization: () =>
    new ArmError(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing. Get a token from POST /_wpslink/token or use the wpslink local credential.",
      undefined,
      undefined,
      bearerChallenge("invalid_token"),
    ),
  malformedAuthorization: () =>
    new ArmError(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is provided in an invalid format; expected 'Bearer <token>'.",
      undefined,
      undefined,
      bearerChallenge("invalid_token"),
    ),
  invalidToken: (reason: string) =>
    new ArmError(
      401,
      "InvalidAuthenticationToken",
      `The access token is invalid: ${reason}.`,
      undefined,
      undefined,
      bearerChallenge("invalid_token"),
    ),
  expiredToken: (expiredAt: Date) =>
    new ArmError(
      401,
      "ExpiredAuthenticationToken",
      `The access token expiry UTC time '${expiredAt.toISOString()}' is earlier than current UTC time '${new Date().toISOString()}'.`,
      undefined,
      undefined,
      bearerChallenge("invalid_token"),
    ),
  missingApiVersion: () =>
    new ArmError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    ),
  invalidApiVersion: (requested: string, supported: readonly string[]) =>
    new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${requested}' is invalid. The supported versions are '${supported.join(",")}'.`,
      "api-version",
    ),
  invalidSubscriptionId: (value: string) =>
    new ArmError(
      400,
      "InvalidSubscriptionId",
      `The provided subscription identifier '${value}' is malformed or invalid.`,
      "subscriptionId",
    ),
  invalidResourceGroupName: (value: string) =>
    new ArmError(
      400,
      "InvalidResourceGroupName",
      `Resource group name '${value}' is invalid. It must be 1-90 characters of letters, digits, '_', '-', '.', '(' and ')', and may not end with '.'.`,
      "resourceGroupName",
    ),
  invalidResourceName: (value: string, type: string, rule: string) =>
    new ArmError(
      400,
      "InvalidResourceName",
      `The resource name '${value}' for type '${type}' is invalid. ${rule}`,
    ),
  resourceGroupNotFound: (name: string) =>
    new ArmError(404, "ResourceGroupNotFound", `Resource group '${name}' could not be found.`),
  resourceNotFound: (type: string, name: string, resourceGroup: string) =>
    new ArmError(
      404,
      "ResourceNotFound",
      `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found.`,
    ),
  operationNotFound: (id: string) =>
    new ArmError(404, "OperationNotFound", `The operation '${id}' was not found or has expired.`),
  unknownRoute: (method: string, path: string) =>
    new ArmError(
      404,
      "InvalidResourceType",
      `No resource type or action of wpslink's management API matches '${method} ${path}'.`,
    ),
  methodNotAllowed: (method: string, allowed: readonly string[]) =>
    new ArmError(
      405,
      "MethodNotAllowed",
      `The requested resource does not support http method '${method}'. Allowed: ${allowed.join(", ")}.`,
      undefined,
      undefined,
      { Allow: allowed.join(", ") },
    ),
  unsupportedMediaType: (contentType: string) =>
    new ArmError(
      415,
      "UnsupportedMediaType",
      `The content media type '${contentType}' is not supported. Only 'application/json' is supported.`,
    ),
  requestTooLarge: (limit: number) =>
    new ArmError(413, "RequestEntityTooLarge", `The request content is larger than ${limit} bytes.`),
  invalidJson: (reason: string) =>
    new ArmError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: '${reason}'.`,
    ),
  invalidBody: (details: readonly ArmErrorDetail[]) =>
    new ArmError(
      400,
      "InvalidRequestContent",
      `The request content is invalid: ${details.map((d) => `${d.target ?? "body"}: ${d.message}`).join("; ")}`,
      details[0]?.target,
      details,
    ),
  missingBody: () =>
    new ArmError(400, "InvalidRequestContent", "The request content is required and was empty."),
  locationRequired: () =>
    new ArmError(
      400,
      "LocationRequired",
      "The location property is required for this definition.",
      "location",
    ),
  badRequest: (code: string, message: string, target?: string) => new ArmError(400, code, message, target),
  conflict: (code: string, message: string) => new ArmError(409, code, message),
  concurrentWrite: (id: string) =>
    new ArmError(
      409,
      "Conflict",
      `The resource '${id}' was changed by another request at the same time; repeat the request.`,
    ),
  preconditionFailed: (id: string) =>
    new ArmError(
      412,
      "PreconditionFailed",
      `The etag given in If-Match does not match the current etag of '${id}'.`,
    ),
  notImplemented: (what: string) =>
    new ArmError(501, "NotImplemented", `${what} is not implemented by wpslink (see SUPPORTED_FEATURES.md).`),
  internal: (reason: string) =>
    new ArmError(500, "InternalServerError", `wpslink failed to process the request: ${reason}`),
} as const;
