// `wpslink appservice plan create|show|list|delete`, as `az appservice plan`.
import { Option, type Command } from "commander";
import {
  addLeaf,
  confirmOrYes,
  nameOption,
  parseInteger,
  resourceGroupOption,
  tagsFrom,
  type CliSession,
  type RunContext,
} from "./commandKit.js";
import { apiVersions, planPath, webProviderPath } from "./armPaths.js";
import { UsageError } from "./errors.js";
import { defaultLocationOf, getResource, listAll, writeResource } from "./operations.js";
import { flattenProperties } from "./resultShape.js";

const v = apiVersions.web;

/** App Service SKU name → tier, as az derives it from `--sku`. */
export function skuTier(sku: string): string {
  const name = sku.toUpperCase();
  if (name === "F1" || name === "FREE") return "Free";
  if (name === "D1" || name === "SHARED") return "Shared";
  if (/^B\d$/.test(name)) return "Basic";
  if (/^S\d$/.test(name)) return "Standard";
  if (/^P\d$/.test(name)) return "Premium";
  if (/^P\dV2$/.test(name)) return "PremiumV2";
  if (/^P\d+M?V3$/.test(name)) return "PremiumV3";
  if (/^P\d+M?V4$/.test(name)) return "PremiumV4";
  if (/^I\d$/.test(name)) return "Isolated";
  if (/^I\d+M?V2$/.test(name)) return "IsolatedV2";
  if (/^EP\d$/.test(name)) return "ElasticPremium";
  if (name === "Y1") return "Dynamic";
  if (name === "FC1") return "FlexConsumption";
  throw new UsageError(
    `argument --sku: invalid value: '${sku}' (examples: F1, D1, B1, S1, P1V2, P1V3, EP1, Y1, FC1)`,
  );
}

export function registerAppServicePlanCommands(program: Command, session: CliSession): void {
  const plan = program
    .command("appservice")
    .description("Manage App Service plans")
    .command("plan")
    .description("Manage App Service plans (Microsoft.Web/serverfarms)");
  const path = (c: RunContext): string => planPath(c.subscription, c.req("resourceGroup"), c.req("name"));

  addLeaf(
    plan,
    "create",
    {
      description: "Create an App Service plan",
      options: [
        nameOption("name of the plan"),
        resourceGroupOption(),
        new Option("--sku <sku>", "pricing tier, e.g. F1, B1, S1, P1V3, EP1, Y1").default("B1"),
        new Option("--is-linux", "host Linux apps"),
        new Option("--number-of-workers <count>", "number of workers").argParser(parseInteger),
        new Option("-l, --location <location>", "location; defaults to the resource group's"),
        new Option("--tags <tags...>", "space-separated tags: key[=value]"),
      ],
      required: ["name", "resourceGroup"],
      supportsNoWait: true,
      examples: ["wpslink appservice plan create -g contoso -n contoso-plan --sku EP1 --is-linux"],
      run: async (c) => {
        const sku = c.req("sku").toUpperCase();
        const tier = skuTier(sku);
        const isLinux = c.options.isLinux === true;
        const kind =
          tier === "ElasticPremium"
            ? "elastic"
            : tier === "Dynamic"
              ? "functionapp"
              : isLinux
                ? "linux"
                : "app";
        const body = {
          location: c.str("location") ?? (await defaultLocationOf(c, c.req("resourceGroup"))),
          kind,
          sku: {
            name: sku,
            tier,
            ...(c.options.numberOfWorkers === undefined ? {} : { capacity: c.options.numberOfWorkers }),
          },
          ...(c.options.tags ? { tags: tagsFrom(c.options.tags as string[]) } : {}),
          properties: { reserved: isLinux, perSiteScaling: false },
        };
        return flattenProperties(await writeResource(c, "PUT", path(c), v, body));
      },
    },
    session,
  );
  addLeaf(
    plan,
    "show",
    {
      description: "Get the details of an App Service plan",
      options: [nameOption("name of the plan"), resourceGroupOption()],
      required: ["name", "resourceGroup"],
      run: async (c) => flattenProperties(await getResource(c, path(c), v)),
    },
    session,
  );
  addLeaf(
    plan,
    "list",
    {
      description: "List App Service plans",
      options: [resourceGroupOption()],
      run: async (c) =>
        (await listAll(c, webProviderPath(c.subscription, c.str("resourceGroup"), "serverfarms"), v)).map(
          flattenProperties,
        ),
    },
    session,
  );
  addLeaf(
    plan,
    "delete",
    {
      description: "Delete an App Service plan",
      options: [
        nameOption("name of the plan"),
        resourceGroupOption(),
        new Option("-y, --yes", "do not prompt for confirmation"),
      ],
      required: ["name", "resourceGroup"],
      run: async (c) => {
        await confirmOrYes(c);
        await writeResource(c, "DELETE", path(c), v);
        return undefined;
      },
    },
    session,
  );
}
