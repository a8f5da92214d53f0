// Web PubSub → Live trace: the clients connected now, every upstream call (path taken, source
// address, what the upstream saw in X-Forwarded-For) and every record of this resource, live.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { CommandBar, formatTime, InfoBanner, StatusBadge } from "../../components/basics.js";
import { clearTrace, useTrace, type TraceRecord } from "../../state/traceStore.js";
import type { BladeProps } from "../ResourcePage.js";
import { belongsTo, liveConnections, summarize, upstreamCalls } from "./traceViews.js";

const shownRows = 200;

function PathBadge(props: { path: string; note?: string }): JSX.Element {
  return (
    <span class={`path path-${props.path}`} data-path={props.path} title={props.note}>
      {props.path}
    </span>
  );
}

export function LiveTrace({ resource }: BladeProps): JSX.Element {
  const { records, state, error } = useTrace();
  const [paused, setPaused] = useState<readonly TraceRecord[] | null>(null);
  const [category, setCategory] = useState("all");
  const all = paused ?? records;
  const own = all.filter((r) => belongsTo(r, resource.id, resource.name));
  const connections = liveConnections(own);
  const calls = upstreamCalls(own, all).reverse().slice(0, shownRows);
  const events = own
    .filter((r) => category === "all" || r.category === category)
    .reverse()
    .slice(0, shownRows);
  const categories = [...new Set(own.map((r) => r.category))].sort();

  return (
    <div>
      <CommandBar
        commands={[
          paused
            ? { label: "Resume", icon: "play", onClick: () => setPaused(null) }
            : { label: "Pause", icon: "pause", onClick: () => setPaused(records) },
          { label: "Clear", icon: "delete", onClick: () => (clearTrace(), setPaused(null)) },
        ]}
      />
      <p class="muted">
        Stream: <StatusBadge value={state === "live" ? (paused ? "Paused" : "Live") : state} />
        {error && state !== "live" && <span> {error}</span>}
      </p>

      <h2 class="section-title">Connections ({connections.length})</h2>
      <table class="grid" aria-label="Connections">
        <thead>
          <tr>
            <th>Connection ID</th>
            <th>Hub</th>
            <th>User</th>
            <th>Connected at</th>
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => (
            <tr key={c.connectionId}>
              <td class="mono">{c.connectionId}</td>
              <td>{c.hub}</td>
              <td>{c.userId || "—"}</td>
              <td>{formatTime(c.since)}</td>
            </tr>
          ))}
          {connections.length === 0 && (
            <tr>
              <td colSpan={4} class="muted">
                No clients are connected.
              </td>
            </tr>
          )}
        </tbody>
      </table>

      <h2 class="section-title">Upstream calls</h2>
      <InfoBanner>
        <strong>private</strong>: through an approved shared private endpoint; <strong>public</strong>: over
        the public network; <strong>direct</strong>: no emulated network. The upstream sees the caller as the
        X-Forwarded-For address its front end added.
      </InfoBanner>
      <table class="grid" aria-label="Upstream calls">
        <thead>
          <tr>
            <th>Time</th>
            <th>Hub</th>
            <th>Event</th>
            <th>URL</th>
            <th>Status</th>
            <th>Latency</th>
            <th>Path</th>
            <th>Source address</th>
            <th>Upstream saw (X-Forwarded-For)</th>
          </tr>
        </thead>
        <tbody>
          {calls.map(({ record, path, sourceAddress, forwardedFor }, index) => {
            const d = record.details ?? {};
            const status =
              d.status === null || d.status === undefined ? String(d.error ?? "failed") : String(d.status);
            return (
              <tr key={`${record.time}-${index}`} data-event={String(d.event ?? "")} data-path={path}>
                <td class="nowrap">{formatTime(record.time)}</td>
                <td>{record.hub ?? "—"}</td>
                <td>{String(d.event ?? "—")}</td>
                <td class="mono url-cell" title={String(d.url ?? "")}>
                  {String(d.url ?? "—")}
                </td>
                <td>{status}</td>
                <td class="nowrap">{typeof d.latencyMs === "number" ? `${d.latencyMs} ms` : "—"}</td>
                <td>
                  <PathBadge path={path} note={typeof d.routeNote === "string" ? d.routeNote : undefined} />
                </td>
                <td class="mono">{sourceAddress || "—"}</td>
                <td class="mono" data-column="forwarded-for">
                  {forwardedFor ?? "—"}
                </td>
              </tr>
            );
          })}
          {calls.length === 0 && (
            <tr>
              <td colSpan={9} class="muted">
                No upstream calls yet. Connect a client to a hub with an event handler.
              </td>
            </tr>
          )}
        </tbody>
      </table>

      <h2 class="section-title">All events</h2>
      <div class="filter-row">
        <select aria-label="Category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          <option value="all">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <span class="muted">{own.length} records</span>
      </div>
      <table class="grid compact" aria-label="All events">
        <thead>
          <tr>
            <th>Time</th>
            <th>Category</th>
            <th>Kind</th>
            <th>Hub</th>
            <th>Connection</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((record, index) => (
            <tr key={`${record.time}-${index}`}>
              <td>{formatTime(record.time)}</td>
              <td>{record.category}</td>
              <td>{record.kind}</td>
              <td>{record.hub ?? "—"}</td>
              <td class="mono">{record.connectionId ?? "—"}</td>
              <td class="mono details-cell">{summarize(record)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
