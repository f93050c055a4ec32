/**
 * Apache ECharts rendered on the server to SVG (no script in the browser). The page's Content
 * Security Policy allows no inline styles, so the `style="…"` ECharts puts on text becomes SVG
 * presentation attributes (font-size="12px" …), which the policy allows and which mean the same.
 */
import * as echarts from 'echarts';
import { raw, type Html } from './html.js';

export type ChartOption = echarts.EChartsCoreOption;

/** The font the pages use, CJK included, so SVG text looks like the page around it. */
export const CHART_FONT = "system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

const PRESENTATION = new Set([
  'font-size',
  'font-family',
  'font-weight',
  'font-style',
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'opacity',
  'text-anchor',
  'dominant-baseline',
  'pointer-events',
  'visibility',
]);

const escapeAttr = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** `style="a:b;c:d"` → ` a="b" c="d"` (only SVG presentation properties; the rest is dropped). */
export function styleToAttributes(svg: string): string {
  return svg.replace(/<style[\s\S]*?<\/style>/g, '').replace(/\sstyle="([^"]*)"/g, (_m, attr: string) =>
    // Entities first: `&quot;` holds a `;` that does not end a declaration.
    attr
      .replace(/&quot;|&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .split(';')
      .map((decl) => {
        const i = decl.indexOf(':');
        if (i < 0) return '';
        const prop = decl.slice(0, i).trim().toLowerCase();
        const value = decl.slice(i + 1).trim();
        return PRESENTATION.has(prop) && value !== '' ? ` ${prop}="${escapeAttr(value)}"` : '';
      })
      .join(''),
  );
}

/** The chart as an inline SVG element, labelled for screen readers. */
export function renderChart(
  option: ChartOption,
  o: { width: number; height: number; label: string; id: string },
): Html {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: o.width, height: o.height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT }, ...option });
    const svg = styleToAttributes(chart.renderToSVGString());
    return raw(
      svg.replace(
        /^<svg /,
        `<svg class="chart echart" data-chart="${escapeAttr(o.id)}" role="img" aria-label="${escapeAttr(o.label)}" `,
      ),
    );
  } finally {
    chart.dispose();
  }
}
