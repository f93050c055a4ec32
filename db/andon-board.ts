/**
 * What the andon wall screen shows: every line (and each station seen on it lately) with its active
 * cases, the people on them (names only), and their colour (domain/andon.ts).
 */
import { caseColour, worstColour, type AndonColour } from '../domain/andon.js';
import { ACTIVE_STATUSES, type CaseStatus, type ExceptionType, type Severity } from '../domain/model.js';
import type { Db } from './index.js';

export interface AndonCase {
  id: number;
  type: ExceptionType;
  severity: Severity;
  status: CaseStatus;
  title: string;
  station: string | null;
  colour: AndonColour;
  escalationLevel: number;
  /** When the problem started (the MES's occurredAt): downtime counts from here. */
  since: string;
  slaDeadline: string | null;
  currentStep: string | null;
  people: string[];
  /** How many reports the case stands for (alarm storms fold repeats into it). */
  reportCount: number;
}

export interface AndonTile {
  /** null: the line itself (cases without a station). */
  station: string | null;
  colour: AndonColour;
  cases: AndonCase[];
}

export interface AndonLine {
  line: string;
  name: string;
  colour: AndonColour;
  tiles: AndonTile[];
}

/** Stations with a case in this many days keep their (green) tile on the screen. */
const STATION_MEMORY_DAYS = 30;

interface CaseRow {
  id: number;
  type: ExceptionType;
  severity: Severity;
  status: CaseStatus;
  title: string;
  line: string;
  station: string | null;
  escalation_level: number;
  occurred_at: Date;
  sla_deadline: Date | null;
  sla_breached: boolean;
  current_step: string | null;
  report_count: number;
}

export async function andonBoard(db: Db, opts: { lines: string[] | null; now: Date }): Promise<AndonLine[]> {
  const scoped = <T extends { whereIn(c: string, v: readonly string[]): T }>(q: T, column: string): T =>
    opts.lines ? q.whereIn(column, opts.lines) : q;
  const [lineRows, stationRows, cases] = await Promise.all([
    scoped(
      db('lines').where({ active: true }).select<Array<{ code: string; name: string }>>('code', 'name'),
      'code',
    ),
    scoped(
      db('cases')
        .where('opened_at', '>', db.raw(`now() - interval '${STATION_MEMORY_DAYS} days'`))
        .distinct<Array<{ line: string; station: string | null }>>('line', 'station'),
      'line',
    ),
    scoped(
      db('cases')
        .whereIn('status', [...ACTIVE_STATUSES])
        .orderByRaw('andon_severity_rank(severity), opened_at, id')
        .limit(500)
        .select<CaseRow[]>(
          'id',
          'type',
          'severity',
          'status',
          'title',
          'line',
          'station',
          'escalation_level',
          'occurred_at',
          'sla_deadline',
          'sla_breached',
          'current_step',
          'report_count',
        ),
      'line',
    ),
  ]);
  const tasks =
    cases.length === 0
      ? []
      : await db('tasks')
          .whereIn(
            'case_id',
            cases.map((c) => c.id),
          )
          .whereIn('status', ['open', 'acked'])
          .orderBy('id')
          .select<Array<{ case_id: number; assignees: Array<{ name: string }> | null }>>(
            'case_id',
            'assignees',
          );
  const people = new Map<number, string[]>();
  for (const t of tasks) {
    const names = people.get(t.case_id) ?? [];
    for (const a of t.assignees ?? []) if (!names.includes(a.name)) names.push(a.name);
    people.set(t.case_id, names);
  }

  const lines = new Map<string, { name: string; stations: Map<string, AndonCase[]> }>();
  const lineOf = (code: string) => {
    let l = lines.get(code);
    if (!l) lines.set(code, (l = { name: code, stations: new Map() }));
    return l;
  };
  for (const r of lineRows) lineOf(r.code).name = r.name;
  for (const s of stationRows) if (s.station) lineOf(s.line).stations.set(s.station, []);
  for (const c of cases) {
    const l = lineOf(c.line);
    const key = c.station ?? '';
    const entry: AndonCase = {
      id: c.id,
      type: c.type,
      severity: c.severity,
      status: c.status,
      title: c.title,
      station: c.station,
      escalationLevel: c.escalation_level,
      since: c.occurred_at.toISOString(),
      slaDeadline: c.sla_deadline ? c.sla_deadline.toISOString() : null,
      currentStep: c.current_step,
      people: people.get(c.id) ?? [],
      reportCount: c.report_count,
      colour: caseColour(
        {
          status: c.status,
          escalationLevel: c.escalation_level,
          slaBreached: c.sla_breached,
          slaDeadline: c.sla_deadline ? c.sla_deadline.toISOString() : null,
          currentStep: c.current_step,
          peopleTasks: people.has(c.id),
        },
        opts.now,
      ),
    };
    l.stations.set(key, [...(l.stations.get(key) ?? []), entry]);
  }
  return [...lines.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([code, l]) => {
      const tiles = [...l.stations.entries()]
        .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en', { numeric: true })))
        .map(([station, list]) => ({
          station: station === '' ? null : station,
          colour: worstColour(list.map((c) => c.colour)),
          cases: list,
        }));
      // A line with no station and nothing open still gets its one (green) tile.
      if (tiles.length === 0) tiles.push({ station: null, colour: 'green', cases: [] });
      return { line: code, name: l.name, colour: worstColour(tiles.map((t) => t.colour)), tiles };
    });
}
