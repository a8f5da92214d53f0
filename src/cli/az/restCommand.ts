// `wpslink rest`: any ARM call, as `az rest`. `https://management.azure.com/...` URLs and bare
// `/subscriptions/...` paths go to wpslink; `{subscriptionId}` is filled in. Errors print as az
// rest prints them: `ERROR: <reason>(<body>)`.
import { Option, type Command } from "commander";
import { addLeaf, type CliSession } from "./commandKit.js";
import { AzCliError, UsageError } from "./errors.js";

const methods = ["delete", "get", "head", "options", "patch", "post", "put"];

function parseHeaders(values: readonly string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values ?? []) {
    const trimmed = value.trim();
    if (trimmed.startsWith("{")) {
      try {
        Object.assign(headers, JSON.parse(trimmed) as Record<string, string>);
        continue;
      } catch {
        throw new UsageError(`argument --headers: '${value}' is not valid JSON`);
      }
    }
    const at = trimmed.indexOf("=");
    if (at <= 0) throw new UsageError(`argument --headers: '${value}' is not KEY=VALUE or JSON`);
    headers[trimmed.slice(0, at)] = trimmed.slice(at + 1);
  }
  return headers;
}

export function registerRestCommand(program: Command, session: CliSession): void {
  addLeaf(
    program,
    "rest",
    {
      description: "Invoke a custom request on the management API (like az rest)",
      options: [
        new Option("-m, --method <method>", "HTTP method").choices(methods).default("get"),
        new Option(
          "-u, --url <url>",
          "request URL; /subscriptions/... or https://management.azure.com/... go to wpslink",
        ),
        new Option("--uri <url>", "alias of --url").hideHelp(),
        new Option("-b, --body <body>", "request body: JSON text, or @file to read it from a file"),
        new Option("--headers <headers...>", "space-separated KEY=VALUE headers, or a JSON object"),
        new Option("--uri-parameters <params...>", "query parameters: KEY=VALUE ..."),
        new Option("--skip-authorization-header", "do not send the Authorization header"),
        new Option(
          "--resource <resource>",
          "accepted for az compatibility; wpslink tokens cover every resource",
        ),
      ],
      examples: [
        'wpslink rest --method get --url "/subscriptions/{subscriptionId}/providers/Microsoft.SignalRService/webPubSub?api-version=2024-03-01"',
        "wpslink rest --method put --url https://management.azure.com/subscriptions/.../sharedPrivateLinkResources/func-pe?api-version=2024-03-01 --body @create-pe.json",
      ],
      run: async (c) => {
        const given = c.str("url") ?? c.str("uri");
        if (given === undefined) throw new UsageError("the following arguments are required: --url/--uri/-u");
        let url = given.replace(/\{subscriptionId\}/g, c.subscription);
        const params = (c.options.uriParameters as string[] | undefined) ?? [];
        if (params.length > 0) {
          const parsed = new URL(c.client().url(url));
          for (const p of params) {
            const at = p.indexOf("=");
            if (at <= 0) throw new UsageError(`argument --uri-parameters: '${p}' is not KEY=VALUE`);
            parsed.searchParams.set(p.slice(0, at), p.slice(at + 1));
          }
          url = parsed.toString();
        }
        let body = c.str("body");
        if (body?.startsWith("@")) body = c.io.readFile(body.slice(1));
        const response = await c.client().request(c.req("method").toUpperCase(), url, {
          body,
          headers: parseHeaders(c.options.headers as string[] | undefined),
          skipAuthorization: c.options.skipAuthorizationHeader === true,
        });
        if (response.status >= 400) {
          throw new AzCliError(`${response.statusText}(${response.text})`, response.status === 404 ? 3 : 1);
        }
        if (response.text === "") return undefined;
        if (typeof response.body === "string") {
          c.io.stderr("WARNING: Not a json response, outputting to stdout.\n");
          c.io.stdout(response.text + "\n");
          return undefined;
        }
        return response.body;
      },
    },
    session,
  );
}
