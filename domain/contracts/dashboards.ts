/** The dashboards' filters (GET /reports and its CSV exports): period, grain, type, line, shift. */
import { z } from 'zod';
import { PERIODS } from './reports.js';
import { exceptionType } from './policy.js';
import { isoDate, lineCode } from './rules.js';

/** A form's empty field means "any". */
const blankIsAbsent = (v: unknown): unknown => (v === '' ? undefined : v);

export const DASHBOARD_CHARTS = [
  'trend',
  'closure',
  'sla',
  'reasons',
  'equipment',
  'downtime',
  'heatmap',
  'age',
] as const;
export type DashboardChart = (typeof DASHBOARD_CHARTS)[number];

export const dashboardQuery = z
  .object({
    days: z.preprocess(
      blankIsAbsent,
      z.enum(['7', '30', '90', '365'], { message: 'must be 7, 30, 90 or 365' }).default('30'),
    ),
    from: z.preprocess(blankIsAbsent, isoDate.optional()),
    to: z.preprocess(blankIsAbsent, isoDate.optional()),
    grain: z.preprocess(
      blankIsAbsent,
      z.enum(PERIODS, { message: `must be one of ${PERIODS.join(', ')}` }).optional(),
    ),
    type: z.preprocess(blankIsAbsent, exceptionType.optional()),
    line: z.preprocess(blankIsAbsent, lineCode.optional()),
    shift: z.preprocess(
      blankIsAbsent,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a shift name such as A')
        .optional(),
    ),
    lang: z.string().optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' });
export type DashboardQuery = z.infer<typeof dashboardQuery>;

export const dashboardCsvParams = z.object({
  chart: z.enum(DASHBOARD_CHARTS, { message: `must be one of ${DASHBOARD_CHARTS.join(', ')}` }),
});
