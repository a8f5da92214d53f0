// The frame around every view: the top bar (home link, live-trace state, notifications) and
// the notification toasts.
import type { ComponentChildren, JSX } from "preact";
import { useState } from "preact/hooks";
import { basePath, linkClick } from "../state/router.js";
import { dismiss, failedToastMs, succeededToastMs, useNotifications } from "../state/notifications.js";
import { useTraceState } from "../state/traceStore.js";
import { Icon } from "./icons.js";
import { Spinner } from "./basics.js";

function Notifications(): JSX.Element {
  const notifications = useNotifications();
  const [open, setOpen] = useState(false);
  const running = notifications.filter((n) => n.state === "running").length;
  const recent = notifications.filter(
    (n) =>
      n.state === "running" ||
      Date.now() - n.time < (n.state === "failed" ? failedToastMs : succeededToastMs),
  );
  return (
    <>
      <button
        type="button"
        class="topbar-button"
        aria-label="Notifications"
        title="Notifications"
        onClick={() => setOpen(!open)}
      >
        <Icon name="bell" />
        {notifications.length > 0 && <span class="count">{notifications.length}</span>}
        {running > 0 && <Spinner />}
      </button>
      <div class={`toasts ${open ? "toasts-open" : ""}`} aria-live="polite">
        {(open ? notifications : recent.slice(0, 4)).map((n) => (
          <div class={`toast toast-${n.state}`} key={n.id} data-state={n.state}>
            <div class="toast-title">
              {n.state === "running" && <Spinner />}
              <strong>{n.title}</strong>
              <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
                <Icon name="reject" />
              </button>
            </div>
            <div class="toast-detail">{n.detail}</div>
          </div>
        ))}
        {open && notifications.length === 0 && <div class="toast">No notifications.</div>}
      </div>
    </>
  );
}

function TraceIndicator(): JSX.Element {
  const { state, error } = useTraceState();
  const label =
    state === "live" ? "Live trace connected" : state === "connecting" ? "Connecting…" : "Reconnecting…";
  return (
    <span class={`trace-indicator trace-${state}`} title={error || label}>
      <span class="status-dot" />
      {label}
    </span>
  );
}

export function Shell(props: { children: ComponentChildren }): JSX.Element {
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={basePath} onClick={(event) => linkClick(event, basePath)}>
          <svg viewBox="0 0 32 32" class="brand-mark" aria-hidden="true">
            <rect width="32" height="32" rx="6" fill="#fff" fill-opacity=".16" />
            <path d="M8 10h4l2 8 2-8h2l2 8 2-8h4l-4 13h-3l-2-7-2 7h-3z" fill="#fff" />
          </svg>
          <span>wpslink</span>
          <span class="brand-sub">Azure Web PubSub, on your machine</span>
        </a>
        <div class="topbar-right">
          <TraceIndicator />
          <Notifications />
        </div>
      </header>
      <main class="content">{props.children}</main>
    </div>
  );
}

export function Breadcrumb(props: { items: ReadonlyArray<readonly [string, string | null]> }): JSX.Element {
  return (
    <nav class="breadcrumb" aria-label="Breadcrumb">
      {props.items.map(([label, href], index) => (
        <span key={label}>
          {index > 0 && <span class="crumb-sep">›</span>}
          {href ? (
            <a href={href} onClick={(event) => linkClick(event, href)}>
              {label}
            </a>
          ) : (
            <span>{label}</span>
          )}
        </span>
      ))}
    </nav>
  );
}
