// Function App / Web App → Request log: what the site front end let through or refused, with the
// source address as the site saw it and the path the request took.
import type { JSX } from "preact";
import { accessToken, ArmError } from "../../api/armClient.js";
import { CommandBar, ErrorBanner, formatTime, Loading } from "../../components/basics.js";
import { useArmData } from "../../state/useArmData.js";
import type { BladeProps } from "../ResourcePage.js";

/** One entry of the site front end's request log (`/_wpslink/sites/{site}/requests`). */
export interface SiteRequest {
  readonly time: number;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The caller as the site saw it (the X-Forwarded-For it sent on, or was refused with). */
  readonly sourceAddress: string;
  /** Network path: private (over a private endpoint) or public. */
  readonly path: string;
  readonly durationMs?: number;
  readonly reason?: string;
}

async function loadRequests(siteName: string): Promise<SiteRequest[]> {
  const response = await fetch(`/_wpslink/sites/${encodeURIComponent(siteName)}/requests`, {
    headers: { authorization: `Bearer ${await accessToken()}`, accept: "application/json" },
  });
  const body = (await response.json().catch(() => null)) as {
    value?: SiteRequest[];
    error?: { code?: string; message?: string };
  } | null;
  if (!response.ok) {
    throw new ArmError(
      body?.error?.code ?? `Http${response.status}`,
      body?.error?.message ?? response.statusText,
      response.status,
    );
  }
  return body?.value ?? [];
}

export function RequestLog({ resource }: BladeProps): JSX.Element {
  const log = useArmData(
    `${resource.id}/requests`,
    () => loadRequests(resource.name),
    () => true,
  );
  const rows = [...(log.data ?? [])].reverse().slice(0, 300);
  return (
    <div>
      <CommandBar commands={[{ label: "Refresh", icon: "refresh", onClick: log.reload }]} />
      <h2 class="section-title">Request log</h2>
      <p class="muted">
        The most recent requests the site front end received for {resource.name}, newest first.
      </p>
      <ErrorBanner error={log.error} title="Could not read the request log" />
      {log.loading && !log.data && <Loading what="requests" />}
      {log.data && (
        <table class="grid compact" aria-label="Request log">
          <thead>
            <tr>
              <th>Time</th>
              <th>Method</th>
              <th>Path</th>
              <th>Status</th>
              <th>Source address (X-Forwarded-For)</th>
              <th>Network path</th>
              <th>Duration</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, index) => (
              <tr key={`${r.time}-${index}`}>
                <td>{formatTime(r.time)}</td>
                <td>{r.method}</td>
                <td class="mono url-cell" title={r.url}>
                  {r.url}
                </td>
                <td>
                  <span class={`status ${r.status < 400 ? "status-good" : "status-bad"}`}>
                    <span class="status-dot" />
                    {r.status}
                  </span>
                </td>
                <td class="mono">{r.sourceAddress}</td>
                <td>
                  <span class={`path path-${r.path}`}>{r.path}</span>
                </td>
                <td>{typeof r.durationMs === "number" ? `${r.durationMs} ms` : "—"}</td>
                <td>{r.reason ?? "—"}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={8} class="muted">
                  No requests yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
