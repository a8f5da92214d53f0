// A WebPubSubDataPlaneHost that starts nothing and records every call, for unit tests of the
// webPubSub provider. Ports asked as 0 get made-up numbers; `busyPorts` simulates ports in use.
import type { AccessKeys } from "../../../src/dataplane/domain/accessKeys.js";
import type { HubSettings } from "../../../src/dataplane/domain/hubSettings.js";
import type {
  DataPlaneAccessSettings,
  StartedDataPlane,
  WebPubSubDataPlaneHost,
  WebPubSubDataPlaneSpec,
} from "../../../src/arm/webpubsub/dataPlaneHost.js";

export type HostCall =
  | { readonly kind: "start"; readonly spec: WebPubSubDataPlaneSpec; readonly result: StartedDataPlane }
  | { readonly kind: "stop"; readonly id: string }
  | { readonly kind: "setKeys"; readonly id: string; readonly keys: AccessKeys }
  | { readonly kind: "setHubs"; readonly id: string; readonly hubs: ReadonlyMap<string, HubSettings> }
  | { readonly kind: "setAccess"; readonly id: string; readonly access: DataPlaneAccessSettings };

export class FakeDataPlaneHost implements WebPubSubDataPlaneHost {
  readonly calls: HostCall[] = [];
  readonly running = new Map<string, StartedDataPlane>();
  readonly busyPorts = new Set<number>();
  /** When set, start() fails with this message. */
  failStarts: string | undefined;
  private nextPort = 41000;

  async start(spec: WebPubSubDataPlaneSpec): Promise<StartedDataPlane> {
    if (this.failStarts) throw new Error(this.failStarts);
    if (this.running.has(spec.resourceId))
      throw new Error(`data plane of ${spec.resourceId} already running`);
    for (const port of [spec.httpPort, spec.httpsPort]) {
      if (port !== 0 && this.busyPorts.has(port)) throw new Error(`listen EADDRINUSE: 127.0.0.1:${port}`);
    }
    const result = {
      httpPort: spec.httpPort || this.freePort(),
      httpsPort: spec.httpsPort || this.freePort(),
    };
    this.running.set(spec.resourceId, result);
    this.calls.push({ kind: "start", spec, result });
    return result;
  }

  private freePort(): number {
    while (this.busyPorts.has(this.nextPort)) this.nextPort++;
    return this.nextPort++;
  }

  async stop(id: string): Promise<void> {
    this.running.delete(id);
    this.calls.push({ kind: "stop", id });
  }

  async setKeys(id: string, keys: AccessKeys): Promise<void> {
    this.calls.push({ kind: "setKeys", id, keys });
  }

  async setHubs(id: string, hubs: ReadonlyMap<string, HubSettings>): Promise<void> {
    this.calls.push({ kind: "setHubs", id, hubs });
  }

  async setAccess(id: string, access: DataPlaneAccessSettings): Promise<void> {
    this.calls.push({ kind: "setAccess", id, access });
  }

  last<K extends HostCall["kind"]>(kind: K): Extract<HostCall, { kind: K }> | undefined {
    return this.calls.filter((c): c is Extract<HostCall, { kind: K }> => c.kind === kind).at(-1);
  }
}
