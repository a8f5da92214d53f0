// Plugs the Microsoft.Web provider into the ARM runtime.
import type { ArmRuntime } from "../runtime/armRuntime.js";
import { connectionRoutes } from "./connectionRoutes.js";
import { planAndSiteRoutes } from "./siteRoutes.js";
import type { WebSiteService } from "./webSiteService.js";

export function registerWebProvider(runtime: Pick<ArmRuntime, "routes">, web: WebSiteService): void {
  runtime.routes.add(...planAndSiteRoutes(web), ...connectionRoutes(web));
}
