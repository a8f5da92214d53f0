// Home: every resource of the subscription, grouped by resource group.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { type ArmError, armList } from "../api/armClient.js";
import type { ArmResource } from "../api/models.js";
import {
  apiVersions,
  kindLabels,
  parseResourceId,
  resourceKind,
  subscriptionId,
} from "../api/resourceIds.js";
import { CommandBar, ErrorBanner, Loading, StatusBadge } from "../components/basics.js";
import { Breadcrumb } from "../components/Shell.js";
import { linkClick, resourceHref } from "../state/router.js";
import { toArmError, useArmData } from "../state/useArmData.js";

const sources = [
  {
    label: "Web PubSub",
    path: `/subscriptions/${subscriptionId}/providers/Microsoft.SignalRService/webPubSub`,
    version: apiVersions.webPubSub,
  },
  {
    label: "App Service",
    path: `/subscriptions/${subscriptionId}/providers/Microsoft.Web/sites`,
    version: apiVersions.web,
  },
  {
    label: "App Service plans",
    path: `/subscriptions/${subscriptionId}/providers/Microsoft.Web/serverfarms`,
    version: apiVersions.web,
  },
] as const;

interface Listing {
  readonly resources: ArmResource[];
  readonly failures: ReadonlyArray<readonly [string, ArmError]>;
}

async function loadAll(): Promise<Listing> {
  const results = await Promise.allSettled(sources.map((s) => armList<ArmResource>(s.path, s.version)));
  const resources: ArmResource[] = [];
  const failures: Array<readonly [string, ArmError]> = [];
  results.forEach((result, index) => {
    if (result.status === "fulfilled") resources.push(...result.value);
    else failures.push([sources[index]?.label ?? "", toArmError(result.reason)]);
  });
  if (failures.length === sources.length && failures[0]) throw failures[0][1];
  return { resources, failures };
}

function statusOf(resource: ArmResource): string | undefined {
  const p = resource.properties ?? {};
  const value = p.provisioningState ?? p.state ?? p.status;
  return typeof value === "string" ? value : undefined;
}

export function ResourceList(): JSX.Element {
  const { data, error, loading, reload } = useArmData("home", loadAll, (listing) =>
    listing.resources.some((r) => /ing$/i.test(statusOf(r) ?? "")),
  );
  const [filter, setFilter] = useState("");
  const groups = new Map<string, ArmResource[]>();
  for (const resource of data?.resources ?? []) {
    if (filter && !resource.name.toLowerCase().includes(filter.toLowerCase())) continue;
    const group = parseResourceId(resource.id)?.resourceGroup ?? "(unknown)";
    groups.set(group, [...(groups.get(group) ?? []), resource]);
  }
  return (
    <div class="page">
      <Breadcrumb items={[["Home", null]]} />
      <div class="page-header">
        <h1>All resources</h1>
        <p class="subtitle">Subscription {subscriptionId}</p>
      </div>
      <CommandBar commands={[{ label: "Refresh", icon: "refresh", onClick: reload }]} />
      <ErrorBanner error={error} title="Could not list resources" />
      {data?.failures.map(([label, failure]) => (
        <ErrorBanner key={label} error={failure} title={`Could not list ${label} resources`} />
      ))}
      <div class="filter-row">
        <input
          type="search"
          placeholder="Filter by name…"
          aria-label="Filter by name"
          value={filter}
          onInput={(event) => setFilter(event.currentTarget.value)}
        />
        {data && <span class="muted">{data.resources.length} resources</span>}
      </div>
      {loading && !data && <Loading what="resources" />}
      {data && groups.size === 0 && <p class="empty">No resources{filter ? " match the filter" : ""}.</p>}
      {[...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([group, resources]) => (
          <section class="resource-group" key={group} data-resource-group={group}>
            <h2>
              <span class="muted">Resource group</span> {group}
            </h2>
            <table class="grid">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Location</th>
                  <th>Pricing tier</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {resources
                  .sort((a, b) => a.name.localeCompare(b.name))
                  .map((resource) => {
                    const kind = resourceKind(resource.type, resource.kind);
                    const href = resourceHref(resource.id);
                    const sku = resource.sku?.name ?? (resource.properties?.sku as string | undefined);
                    return (
                      <tr key={resource.id}>
                        <td>
                          {kind === "plan" || kind === "other" ? (
                            resource.name
                          ) : (
                            <a href={href} onClick={(event) => linkClick(event, href)}>
                              {resource.name}
                            </a>
                          )}
                        </td>
                        <td>{kindLabels[kind]}</td>
                        <td>{resource.location ?? "—"}</td>
                        <td>{sku ?? "—"}</td>
                        <td>
                          <StatusBadge value={statusOf(resource)} />
                        </td>
                      </tr>
                    );
                  })}
              </tbody>
            </table>
          </section>
        ))}
    </div>
  );
}
