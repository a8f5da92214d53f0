// Errors as the Azure CLI reports them: one `ERROR: ...` block on stderr and an exit code
// (1 for most failures, 2 for bad arguments, 3 when the resource was not found).
import type { CliIo } from "./cliIo.js";

/** A failure the CLI reports to the user; `exitCode` is what the process ends with. */
export class AzCliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly recommendations: readonly string[] = [],
  ) {
    super(message);
    this.name = "AzCliError";
  }
}

/** Bad command-line arguments (argparse's exit code 2). */
export class UsageError extends AzCliError {
  constructor(message: string, recommendations: readonly string[] = []) {
    super(message, 2, recommendations);
    this.name = "UsageError";
  }
}

export interface ArmErrorBody {
  readonly code?: string;
  readonly message?: string;
  readonly target?: string;
  readonly details?: readonly ArmErrorBody[];
}

/** The `error` object of an ARM error response, or undefined when the body is not ARM-shaped. */
export function armErrorOf(body: unknown): ArmErrorBody | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const error = record.error ?? record.Error;
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as Record<string, unknown>;
  const code = e.code ?? e.Code;
  const message = e.message ?? e.Message;
  return {
    code: typeof code === "string" ? code : undefined,
    message: typeof message === "string" ? message : undefined,
    target: typeof e.target === "string" ? e.target : undefined,
    details: Array.isArray(e.details) ? (e.details as ArmErrorBody[]) : undefined,
  };
}

/**
 * The text azure-core gives an ARM error: `(Code) Message`, then `Code:`/`Message:` lines (and
 * `Target:` and the details when present), which the CLI prints after `ERROR: `.
 */
export function formatArmError(error: ArmErrorBody): string {
  const code = error.code ?? "Unknown";
  const message = error.message ?? "";
  const lines = [`(${code}) ${message}`, `Code: ${code}`, `Message: ${message}`];
  if (error.target) lines.push(`Target: ${error.target}`);
  const details = error.details ?? [];
  if (details.length > 0) {
    lines.push("Exception Details:");
    for (const detail of details) {
      lines.push(`\t(${detail.code ?? "Unknown"}) ${detail.message ?? ""}`);
      lines.push(`\tCode: ${detail.code ?? "Unknown"}`);
      lines.push(`\tMessage: ${detail.message ?? ""}`);
    }
  }
  return lines.join("\n");
}

/** A non-success HTTP answer from the management API. */
export class ArmResponseError extends AzCliError {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly body: unknown,
    readonly rawText: string,
  ) {
    const arm = armErrorOf(body);
    const message = arm
      ? formatArmError(arm)
      : `Operation returned an invalid status '${statusText || status}'` +
        (rawText ? `\nContent: ${rawText}` : "");
    super(message, status === 404 ? 3 : 1);
    this.name = "ArmResponseError";
  }

  get code(): string | undefined {
    return armErrorOf(this.body)?.code;
  }
}

/** A long-running operation that ended Failed or Canceled. */
export class OperationFailedError extends AzCliError {
  constructor(error: ArmErrorBody | undefined, status: string) {
    super(
      error
        ? formatArmError(error)
        : `(${status}) The long-running operation ended with status '${status}' and no error details.`,
    );
    this.name = "OperationFailedError";
  }
}

/** Writes the error the way the Azure CLI does and returns the exit code. */
export function reportError(io: CliIo, error: unknown): number {
  if (error instanceof AzCliError) {
    io.stderr(`ERROR: ${error.message}\n`);
    for (const line of error.recommendations) io.stderr(`${line}\n`);
    return error.exitCode;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`ERROR: The command failed with an unexpected error. Here is the traceback:\n${text}\n`);
  return 1;
}
