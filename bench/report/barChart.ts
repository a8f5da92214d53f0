// A grouped horizontal-free bar chart as plain SVG text: categories along x, one bar per series
// in each category, value labels on the bars. Enough for the benchmark report; no dependencies.

export interface BarChartSpec {
  readonly title: string;
  readonly unit: string;
  readonly categories: readonly string[];
  readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
  /** Draw a dashed line at this value (a target), with a label. */
  readonly reference?: { readonly value: number; readonly label: string };
}

const palette = ["#2f6fb3", "#d9822b", "#5a9e4b", "#a64ca6", "#8c8c8c"];

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value === 0) return "0";
  if (Math.abs(value) >= 10_000) return `${Math.round(value / 1000).toLocaleString("en-US")}k`;
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function barChart(spec: BarChartSpec): string {
  const width = 760;
  const height = 360;
  const left = 70;
  const right = 20;
  const top = 50;
  const bottom = 70;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const values = spec.series.flatMap((s) =>
    s.values.filter((v): v is number => v !== null && Number.isFinite(v)),
  );
  const max = Math.max(1e-9, ...values, spec.reference?.value ?? 0) * 1.12;
  const y = (v: number) => top + plotHeight - (v / max) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, spec.categories.length);
  const barWidth = Math.min(60, (groupWidth * 0.8) / Math.max(1, spec.series.length));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escape(spec.title)}</text>`,
    `<text x="14" y="${top + plotHeight / 2}" transform="rotate(-90 14 ${top + plotHeight / 2})" text-anchor="middle">${escape(spec.unit)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const value = (max / 4) * i;
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(value)}" y2="${y(value)}" stroke="#e3e3e3"/>`,
      `<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end" fill="#555">${formatNumber(value)}</text>`,
    );
  }
  spec.categories.forEach((category, c) => {
    const groupLeft = left + c * groupWidth + (groupWidth - barWidth * spec.series.length) / 2;
    spec.series.forEach((series, s) => {
      const value = series.values[c];
      if (value === null || value === undefined || !Number.isFinite(value)) return;
      const x = groupLeft + s * barWidth;
      parts.push(
        `<rect x="${x + 2}" y="${y(value)}" width="${barWidth - 4}" height="${top + plotHeight - y(value)}" fill="${palette[s % palette.length]}"/>`,
        `<text x="${x + barWidth / 2}" y="${y(value) - 4}" text-anchor="middle" font-size="11">${formatNumber(value)}</text>`,
      );
    });
    parts.push(
      `<text x="${left + c * groupWidth + groupWidth / 2}" y="${top + plotHeight + 18}" text-anchor="middle">${escape(category)}</text>`,
    );
  });
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`);
  if (spec.reference) {
    const ry = y(spec.reference.value);
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${ry}" y2="${ry}" stroke="#c0392b" stroke-dasharray="6 4"/>`,
      `<text x="${width - right}" y="${ry - 5}" text-anchor="end" fill="#c0392b">${escape(spec.reference.label)}</text>`,
    );
  }
  let legendX = left;
  spec.series.forEach((series, s) => {
    // About 7 px per character at 12 px sans-serif, plus the swatch and a gap.
    const x = legendX;
    legendX += series.name.length * 7 + 40;
    const ly = height - 22;
    parts.push(
      `<rect x="${x}" y="${ly - 10}" width="12" height="12" fill="${palette[s % palette.length]}"/>`,
      `<text x="${x + 18}" y="${ly}">${escape(series.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
