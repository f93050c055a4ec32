/**
 * ECharts options for each dashboard dataset. Axes are chosen for any amount of data: category
 * axes for periods (one period is one labelled point with its value shown), value axes that start
 * at 0 with whole-number ticks for counts, and minutes or hours by the size of the values.
 */
import type { DashboardChart } from '../../domain/contracts/dashboards.js';
import type { Cell, Dataset } from './dashboard-data.js';
import type { ChartOption } from './echarts-svg.js';
import type { Lang } from './i18n.js';
import { tx } from './i18n-floor.js';

const COLOURS = ['#d97706', '#2563eb', '#059669', '#db2777', '#7c3aed', '#0891b2'];
const num = (c: Cell): number | null => (typeof c === 'number' ? c : null);
const GRID = { left: 64, right: 56, top: 40, bottom: 56, containLabel: false };

/** Period labels: 2026-11-24 → 11-24 within one year; months as 2026-11. */
function periodLabels(keys: string[], grain: string): string[] {
  if (grain === 'month') return keys.map((k) => k.slice(0, 7));
  const oneYear = keys.length > 0 && keys[0]!.slice(0, 4) === keys.at(-1)!.slice(0, 4);
  return keys.map((k) => (oneYear ? k.slice(5) : k));
}

/** Minutes, or hours when the values run long: the series in that unit and the axis name. */
function durationScale(
  values: Array<number | null>,
  l: Lang,
): { unit: string; scale: (v: number | null) => number | null } {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  if (max < 180) return { unit: tx(l, 'minutes'), scale: (v) => v };
  return { unit: tx(l, 'hours'), scale: (v) => (v === null ? null : Math.round(v / 6) / 10) };
}

function lines(
  d: Dataset,
  l: Lang,
  grain: string,
  names: [string, string],
  cols: [number, number],
): ChartOption {
  const keys = d.rows.map((r) => String(r[0]));
  const a = d.rows.map((r) => num(r[cols[0]]!));
  const b = d.rows.map((r) => num(r[cols[1]]!));
  const { unit, scale } = durationScale([...a, ...b], l);
  const bare = (n: string): string => n.replace(/\s*[（(][^)）]*[)）]$/, '');
  const single = d.rows.filter((r) => num(r[cols[0]]!) !== null || num(r[cols[1]]!) !== null).length <= 1;
  const serie = (name: string, data: Array<number | null>, colour: string) => ({
    name,
    type: 'line',
    data: data.map(scale),
    connectNulls: false,
    showSymbol: true,
    symbolSize: single ? 10 : 6,
    itemStyle: { color: colour },
    lineStyle: { color: colour, width: 2 },
    label: { show: single || keys.length <= 12, position: 'top', fontSize: 11 },
  });
  return {
    color: COLOURS,
    legend: { top: 4 },
    grid: GRID,
    xAxis: {
      type: 'category',
      data: periodLabels(keys, grain),
      boundaryGap: true,
      axisLabel: { hideOverlap: true },
    },
    yAxis: { type: 'value', name: unit, min: 0, minInterval: 1 },
    series: [serie(bare(names[0]), a, COLOURS[0]!), serie(bare(names[1]), b, COLOURS[1]!)],
  };
}

function pareto(d: Dataset): ChartOption {
  const rows = d.rows.slice(0, 15);
  return {
    color: COLOURS,
    grid: { ...GRID, bottom: 80 },
    legend: { top: 4 },
    xAxis: {
      type: 'category',
      data: rows.map((r) => String(r[0])),
      axisLabel: { rotate: rows.length > 5 ? 35 : 0, interval: 0 },
    },
    yAxis: [
      { type: 'value', min: 0, minInterval: 1, name: d.columns[1] },
      { type: 'value', min: 0, max: 100, name: '%', splitLine: { show: false } },
    ],
    series: [
      {
        name: d.columns[1],
        type: 'bar',
        data: rows.map((r) => num(r[1]!)),
        itemStyle: { color: '#60a5fa' },
        barMaxWidth: 64,
        label: { show: true, position: 'top' },
      },
      {
        name: d.columns[2],
        type: 'line',
        yAxisIndex: 1,
        data: rows.map((r) => num(r[2]!)),
        itemStyle: { color: '#b91c1c' },
        lineStyle: { color: '#b91c1c' },
        showSymbol: true,
      },
    ],
  };
}

function downtime(d: Dataset): ChartOption {
  const linesSeen = [...new Set(d.rows.map((r) => String(r[0])))];
  const types = [...new Set(d.rows.map((r) => String(r[1])))];
  return {
    color: COLOURS,
    legend: { top: 4 },
    grid: GRID,
    xAxis: { type: 'category', data: linesSeen },
    yAxis: { type: 'value', min: 0, minInterval: 1, name: d.columns[2] },
    series: types.map((ty) => ({
      name: ty,
      type: 'bar',
      stack: 'downtime',
      barMaxWidth: 64,
      data: linesSeen.map((ln) => num(d.rows.find((r) => r[0] === ln && r[1] === ty)?.[2] ?? null) ?? 0),
      label: {
        show: linesSeen.length <= 8,
        formatter: (p: { value: number }) => (p.value > 0 ? String(p.value) : ''),
      },
    })),
  };
}

function heatmap(d: Dataset): ChartOption {
  const linesSeen = [...new Set(d.rows.map((r) => String(r[0])))];
  const shifts = [...new Set(d.rows.map((r) => String(r[1])))].sort();
  const max = Math.max(1, ...d.rows.map((r) => num(r[2]!) ?? 0));
  return {
    grid: { ...GRID, right: 24, bottom: 72 },
    xAxis: { type: 'category', data: shifts, name: d.columns[1], splitArea: { show: true } },
    yAxis: { type: 'category', data: linesSeen, name: d.columns[0], splitArea: { show: true } },
    visualMap: {
      min: 0,
      max,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 4,
      itemHeight: 120,
      inRange: { color: ['#eff6ff', '#60a5fa'] },
    },
    series: [
      {
        name: d.columns[2],
        type: 'heatmap',
        data: d.rows.map((r) => [
          shifts.indexOf(String(r[1])),
          linesSeen.indexOf(String(r[0])),
          num(r[2]!) ?? 0,
        ]),
        label: { show: true, color: '#111827', fontSize: 14, fontWeight: 'bold' },
      },
    ],
  };
}

function bars(d: Dataset, l: Lang, grain: string, col: number, percent: boolean): ChartOption {
  const keys = d.rows.map((r) => String(r[0]));
  return {
    color: COLOURS,
    grid: GRID,
    xAxis: {
      type: 'category',
      data: d.chart === 'age' ? keys : periodLabels(keys, grain),
      axisLabel: { hideOverlap: true },
    },
    yAxis: percent
      ? { type: 'value', min: 0, max: 100, name: '%' }
      : { type: 'value', min: 0, minInterval: 1, name: d.columns[col] },
    series: [
      {
        name: d.columns[col],
        type: 'bar',
        data: d.rows.map((r) => num(r[col]!)),
        barMaxWidth: 48,
        itemStyle: { color: percent ? '#b91c1c' : '#2563eb' },
        label: { show: d.rows.length <= 16, position: 'top' },
      },
    ],
  };
}

export function chartOption(d: Dataset, l: Lang, grain: string): ChartOption {
  const builders: Record<DashboardChart, () => ChartOption> = {
    trend: () => lines(d, l, grain, [d.columns[2]!, d.columns[3]!], [2, 3]),
    closure: () => lines(d, l, grain, [d.columns[2]!, d.columns[3]!], [2, 3]),
    sla: () => bars(d, l, grain, 3, true),
    reasons: () => pareto(d),
    equipment: () => pareto(d),
    downtime: () => downtime(d),
    heatmap: () => heatmap(d),
    age: () => bars(d, l, grain, 1, false),
  };
  return builders[d.chart]();
}
