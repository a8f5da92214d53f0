// Overlays: the right-hand context pane that holds forms (as in Azure's portal) and a modal
// dialog for confirmations. Escape closes both.
import type { ComponentChildren, JSX } from "preact";
import { useEffect } from "preact/hooks";
import { Icon } from "./icons.js";

function useEscape(onClose: () => void): void {
  useEffect(() => {
    const listener = (event: KeyboardEvent): void => {
      if (event.key === "Escape") onClose();
    };
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, [onClose]);
}

export function SidePanel(props: {
  title: string;
  subtitle?: string;
  onClose: () => void;
  children: ComponentChildren;
  footer: ComponentChildren;
}): JSX.Element {
  useEscape(props.onClose);
  return (
    <div class="overlay" onClick={(event) => event.target === event.currentTarget && props.onClose()}>
      <div class="side-panel" role="dialog" aria-label={props.title}>
        <header>
          <div>
            <h2>{props.title}</h2>
            {props.subtitle && <p class="subtitle">{props.subtitle}</p>}
          </div>
          <button type="button" class="icon-button" aria-label="Close" onClick={props.onClose}>
            <Icon name="reject" />
          </button>
        </header>
        <div class="panel-body">{props.children}</div>
        <footer>{props.footer}</footer>
      </div>
    </div>
  );
}

export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  footer: ComponentChildren;
}): JSX.Element {
  useEscape(props.onClose);
  return (
    <div
      class="overlay overlay-center"
      onClick={(event) => event.target === event.currentTarget && props.onClose()}
    >
      <div class="dialog" role="dialog" aria-label={props.title}>
        <h2>{props.title}</h2>
        <div class="dialog-body">{props.children}</div>
        <footer>{props.footer}</footer>
      </div>
    </div>
  );
}
