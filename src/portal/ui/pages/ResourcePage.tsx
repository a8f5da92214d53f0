// A resource's page: header, left menu of blades, and the selected blade. The resource itself is
// loaded here and handed to the blades (polled quickly while it is provisioning).
import type { JSX } from "preact";
import { armGet } from "../api/armClient.js";
import type { ArmResource } from "../api/models.js";
import {
  apiVersionFor,
  kindLabels,
  parseResourceId,
  resourceKind,
  type ResourceKind,
} from "../api/resourceIds.js";
import { ErrorBanner, Loading } from "../components/basics.js";
import { Icon, type IconName } from "../components/icons.js";
import { Breadcrumb } from "../components/Shell.js";
import { basePath, linkClick, resourceHref } from "../state/router.js";
import { useArmData } from "../state/useArmData.js";
import { WebPubSubOverview } from "./webpubsub/Overview.js";
import { HubSettings } from "./webpubsub/HubSettings.js";
import { WebPubSubNetworking } from "./webpubsub/Networking.js";
import { LiveTrace } from "./webpubsub/LiveTrace.js";
import { SiteOverview } from "./site/SiteOverview.js";
import { SiteNetworking } from "./site/SiteNetworking.js";
import { RequestLog } from "./site/RequestLog.js";

export interface BladeProps {
  readonly resource: ArmResource;
  readonly reloadResource: () => void;
  readonly tab: string | null;
}

interface Blade {
  readonly key: string;
  readonly label: string;
  readonly icon: IconName;
  readonly render: (props: BladeProps) => JSX.Element;
}

const webPubSubBlades: readonly Blade[] = [
  { key: "overview", label: "Overview", icon: "overview", render: (p) => <WebPubSubOverview {...p} /> },
  { key: "settings", label: "Settings", icon: "settings", render: (p) => <HubSettings {...p} /> },
  { key: "networking", label: "Networking", icon: "network", render: (p) => <WebPubSubNetworking {...p} /> },
  { key: "livetrace", label: "Live trace", icon: "trace", render: (p) => <LiveTrace {...p} /> },
];

const siteBlades: readonly Blade[] = [
  { key: "overview", label: "Overview", icon: "overview", render: (p) => <SiteOverview {...p} /> },
  { key: "networking", label: "Networking", icon: "network", render: (p) => <SiteNetworking {...p} /> },
  { key: "requests", label: "Request log", icon: "log", render: (p) => <RequestLog {...p} /> },
];

function bladesFor(kind: ResourceKind): readonly Blade[] {
  if (kind === "webPubSub") return webPubSubBlades;
  if (kind === "functionApp" || kind === "webApp") return siteBlades;
  return webPubSubBlades.slice(0, 1);
}

export function ResourcePage(props: { id: string; blade: string; tab: string | null }): JSX.Element {
  const parsed = parseResourceId(props.id);
  const { data, error, loading, reload } = useArmData(
    props.id,
    () => armGet<ArmResource>(props.id, apiVersionFor(props.id)),
    (resource) => /ing$/i.test(String(resource.properties?.provisioningState ?? "")),
  );
  const kind = data ? resourceKind(data.type, data.kind) : null;
  const blades = kind ? bladesFor(kind) : [];
  const blade = blades.find((b) => b.key === props.blade) ?? blades[0];
  const name = parsed?.name ?? props.id;
  return (
    <div class="page resource-page">
      <Breadcrumb
        items={[
          ["Home", basePath],
          [parsed?.resourceGroup ?? "", basePath],
          [name, null],
        ]}
      />
      <div class="page-header resource-header">
        <div class={`resource-icon resource-icon-${kind ?? "other"}`} aria-hidden="true">
          {kind === "webPubSub" ? "W" : kind === "functionApp" ? "ƒ" : "A"}
        </div>
        <div>
          <h1>
            {name}
            {blade && <span class="blade-title"> | {blade.label}</span>}
          </h1>
          <p class="subtitle">{kind ? kindLabels[kind] : "Resource"}</p>
        </div>
      </div>
      <ErrorBanner error={error} title={`Could not load ${name}`} />
      {loading && !data && <Loading what={name} />}
      {data && blade && (
        <div class="resource-layout">
          <nav class="resource-menu" aria-label="Resource menu">
            {blades.map((b) => {
              const href = resourceHref(props.id, b.key);
              return (
                <a
                  key={b.key}
                  href={href}
                  class={b.key === blade.key ? "active" : ""}
                  aria-current={b.key === blade.key ? "page" : undefined}
                  onClick={(event) => linkClick(event, href)}
                >
                  <Icon name={b.icon} />
                  {b.label}
                </a>
              );
            })}
          </nav>
          <section class="blade" data-blade={blade.key}>
            {blade.render({ resource: data, reloadResource: reload, tab: props.tab })}
          </section>
        </div>
      )}
    </div>
  );
}
