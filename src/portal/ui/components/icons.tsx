// Small inline icons (no icon font, nothing fetched): 16×16 strokes in the current text colour.
import type { JSX } from "preact";

const paths: Readonly<Record<string, string>> = {
  refresh: "M13 3v4H9M3 13V9h4M4.5 6A5 5 0 0 1 13 7M11.5 10A5 5 0 0 1 3 9",
  add: "M8 2v12M2 8h12",
  delete: "M3 4h10M6 4V2.5h4V4M4.5 4l.7 9.5h5.6l.7-9.5",
  approve: "M2.5 8.5l3.5 3.5 7.5-8",
  reject: "M3.5 3.5l9 9M12.5 3.5l-9 9",
  copy: "M5.5 5.5h8v8h-8zM2.5 10.5v-8h8",
  bell: "M4 11V7a4 4 0 0 1 8 0v4l1 1.5H3zM6.5 14h3",
  edit: "M2.5 13.5l1-3.5 7.5-7.5 2.5 2.5-7.5 7.5zM9.5 4l2.5 2.5",
  eye: "M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM8 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z",
  key: "M10 2.5a3.5 3.5 0 1 1-2.9 5.4L2.5 12.5v1h2v-1.5H6V10.5h1.5l.6-.6",
  pause: "M5 3v10M11 3v10",
  play: "M4.5 2.5l9 5.5-9 5.5z",
  home: "M2 7.5L8 2.5l6 5M3.5 6.5v7h3.5v-4h2v4h3.5v-7",
  network: "M8 1.5v4M8 10.5v4M3 8h10M3 5.5v5M13 5.5v5",
  overview: "M2.5 2.5h5v5h-5zM8.5 2.5h5v5h-5zM2.5 8.5h5v5h-5zM8.5 8.5h5v5h-5z",
  settings:
    "M8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.5 1.5M11.5 11.5L13 13M3 13l1.5-1.5M11.5 4.5L13 3",
  trace: "M1.5 8h3l2-5 3 10 2-5h3",
  log: "M3 2.5h10v11H3zM5.5 5.5h5M5.5 8h5M5.5 10.5h3",
};

export type IconName = keyof typeof paths;

export function Icon(props: { name: IconName; class?: string }): JSX.Element {
  return (
    <svg class={`icon ${props.class ?? ""}`} viewBox="0 0 16 16" aria-hidden="true">
      <path
        d={paths[props.name]}
        fill="none"
        stroke="currentColor"
        stroke-width="1.3"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}
