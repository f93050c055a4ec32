/** Small server-rendered SVG charts (no client-side charting library). */
import { escapeHtml as esc } from '../../lib/html.js';
import { raw, type Html } from './html.js';

export interface Series {
  name: string;
  colour: string;
  values: Array<number | null>;
}

/** A line chart of several series over the same labels; values in the same unit. */
export function lineChart(opts: {
  labels: string[];
  series: Series[];
  unit: (v: number) => string;
  title: string;
}): Html {
  const W = 640;
  const H = 240;
  const pad = { l: 64, r: 12, t: 12, b: 40 };
  const all = opts.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all);
  const n = Math.max(1, opts.labels.length - 1);
  const x = (i: number) => pad.l + ((W - pad.l - pad.r) * i) / n;
  const y = (v: number) => H - pad.b - ((H - pad.t - pad.b) * v) / max;
  const lines = opts.series
    .map((s) => {
      const pts = s.values
        .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
        .filter(Boolean);
      return `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts.join(' ')}"><title>${esc(s.name)}</title></polyline>`;
    })
    .join('');
  const ticks = [0, 0.5, 1]
    .map(
      (f) =>
        `<text x="${pad.l - 6}" y="${y(max * f) + 4}" text-anchor="end">${esc(opts.unit(max * f))}</text>`,
    )
    .join('');
  const every = Math.ceil(opts.labels.length / 8);
  const labels = opts.labels
    .map((l, i) =>
      i % every === 0
        ? `<text x="${x(i)}" y="${H - pad.b + 16}" text-anchor="middle">${esc(l.slice(5))}</text>`
        : '',
    )
    .join('');
  const legend = opts.series
    .map(
      (s, i) =>
        `<g transform="translate(${pad.l + i * 120},${H - 8})"><rect width="10" height="10" y="-9" fill="${s.colour}"/><text x="14">${esc(s.name)}</text></g>`,
    )
    .join('');
  return raw(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(opts.title)}"><title>${esc(opts.title)}</title>` +
      `<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" class="axis"/>${ticks}${labels}${lines}${legend}</svg>`,
  );
}

/** A Pareto chart: bars by count, descending, with the cumulative percentage as a line. */
export function paretoChart(opts: {
  rows: Array<{ label: string; count: number; cumulative: number }>;
  title: string;
}): Html {
  const rows = opts.rows.slice(0, 12);
  const W = 640;
  const H = 260;
  const pad = { l: 40, r: 40, t: 12, b: 80 };
  const max = Math.max(1, ...rows.map((r) => r.count));
  const bw = (W - pad.l - pad.r) / Math.max(1, rows.length);
  const y = (v: number) => H - pad.b - ((H - pad.t - pad.b) * v) / max;
  const yp = (p: number) => H - pad.b - ((H - pad.t - pad.b) * p) / 100;
  const bars = rows
    .map(
      (r, i) =>
        `<rect x="${(pad.l + i * bw + 4).toFixed(1)}" y="${y(r.count).toFixed(1)}" width="${(bw - 8).toFixed(1)}" height="${(H - pad.b - y(r.count)).toFixed(1)}" class="bar"><title>${esc(r.label)}: ${r.count}</title></rect>` +
        `<text transform="translate(${(pad.l + i * bw + bw / 2).toFixed(1)},${H - pad.b + 10}) rotate(40)">${esc(r.label)}</text>`,
    )
    .join('');
  const cum = rows
    .map((r, i) => `${(pad.l + i * bw + bw / 2).toFixed(1)},${yp(r.cumulative).toFixed(1)}`)
    .join(' ');
  return raw(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(opts.title)}"><title>${esc(opts.title)}</title>` +
      `<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" class="axis"/>${bars}` +
      `<polyline fill="none" class="cumulative" stroke-width="2" points="${cum}"/>` +
      `<text x="${W - pad.r + 4}" y="${yp(100) + 4}">100%</text><text x="${pad.l - 6}" y="${y(max) + 4}" text-anchor="end">${max}</text></svg>`,
  );
}
