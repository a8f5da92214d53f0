// A child process holding wpslink's management plane, site front end, managed network and routed
// data planes, composed from the committed pieces exactly as test/portal/support/privatePathStack.ts
// composes them. The upstream scenarios use it for the site front end and the private path while
// `wpslink start` does not serve those yet; it runs in its own process so its CPU is measured
// apart from the load. The local CA comes from WPSLINK_TEST_CA_DIR (set by the harness).
import { join } from "node:path";
import { serveCommands } from "../harness/childRpc.js";
import { startPrivatePathStack } from "../../test/portal/support/privatePathStack.js";

const caDir = process.env.WPSLINK_TEST_CA_DIR;
if (!caDir) throw new Error("WPSLINK_TEST_CA_DIR must name the folder of the local CA");
const stack = await startPrivatePathStack({ transitionDelayMs: 50, propagationDelayMs: 0 });

process.on("SIGTERM", () => {
  void stack.close().finally(() => process.exit(0));
});

serveCommands(
  {
    dataPlanePort: (args: { resourceId: string }) => stack.dataPlanePort(args.resourceId) ?? null,
  },
  { managementUrl: stack.management.url, caCertPath: join(caDir, "ca.pem") },
);
