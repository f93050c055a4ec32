import type { Knex } from 'knex';

/**
 * Reports: a rollup of `cases` kept exact by triggers, plus indexes for the raw edges of a time
 * range and for the live board.
 *
 * `case_report_cells` holds one row per (kind, grain, day, type, line, key) where kind/key is
 *   'all'/'' (every case), 'shift'/shift, 'person'/acked_by, 'reason'/reason_code ('' when null),
 * grain is 'd' (one local day) or 'w' (an ISO week, `day` its Monday), and days are those of
 * `opened_at` in `report_settings.time_zone` (the plant's zone). Each cell carries counts, exact sums
 * (microseconds) and the sorted closure times in seconds of its closed cases, so a report over a
 * year sums a few thousand week cells (plus day cells at the edges) and still gets exact percentiles.
 * Row triggers subtract a case's old contribution and add its new one on every relevant change
 * (including reopening: resolved_at/closed_at back to null), so the rollup never goes stale.
 * Cells that drop to n = 0 are left in place (the report skips them); a rebuild removes them.
 */

// The board's statuses (domain ACTIVE_STATUSES), frozen here as the partial indexes' predicate.
const ACTIVE = `status in ('pending_start', 'open', 'acknowledged', 'resolved')`;

// Columns whose change alters a case's contribution to the rollup.
const TRACKED = [
  'opened_at',
  'type',
  'line',
  'shift',
  'acked_by',
  'reason_code',
  'acknowledged_at',
  'resolved_at',
  'closed_at',
  'sla_breached',
  'escalation_level',
  'downtime_minutes',
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table report_settings (
      id boolean primary key default true check (id),
      time_zone text not null default 'UTC'
    )`);
  await knex.raw(`insert into report_settings (id, time_zone) values (true, 'UTC')`);

  await knex.raw(`
    create table case_report_cells (
      kind text not null check (kind in ('all', 'shift', 'person', 'reason')),
      grain "char" not null check (grain in ('d', 'w')),
      key text not null,
      day date not null,
      type text not null,
      line text not null,
      n integer not null,
      n_closed integer not null,
      n_acked integer not null,
      ack_us bigint not null,
      n_resolved integer not null,
      resolve_us bigint not null,
      n_breached integer not null,
      n_escalated integer not null,
      downtime_minutes bigint not null,
      closure_s integer[] not null,
      primary key (kind, grain, day, type, line, key)
    )`);

  // Shared definitions, so the trigger, the rebuild and the report's raw edges agree to the unit.
  await knex.raw(`
    create function andon_us(a timestamptz, b timestamptz) returns bigint
    language sql immutable parallel safe
    as 'select (extract(epoch from (b - a)) * 1000000)::bigint'`);
  await knex.raw(`
    create function andon_closure_s(opened timestamptz, closed timestamptz) returns integer
    language sql immutable parallel safe
    as 'select floor(extract(epoch from (closed - opened)))::integer'`);
  await knex.raw(`
    create function andon_severity_rank(severity text) returns integer
    language sql immutable parallel safe
    as $$select case severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2
                              when 'low' then 3 else 4 end$$`);

  // Adds (sign 1) or removes (sign -1) one case's contribution to one cell.
  await knex.raw(`
    create function andon_report_cell(
      p_sign integer, p_kind text, p_grain "char", p_key text, p_day date, p_type text, p_line text,
      p_closed integer, p_acked integer, p_ack_us bigint, p_resolved integer, p_resolve_us bigint,
      p_breached integer, p_escalated integer, p_downtime bigint, p_closure integer
    ) returns void language plpgsql as $$
    declare
      pos integer;
    begin
      if p_sign > 0 then
        insert into case_report_cells as c (kind, grain, key, day, type, line, n, n_closed, n_acked,
          ack_us, n_resolved, resolve_us, n_breached, n_escalated, downtime_minutes, closure_s)
        values (p_kind, p_grain, p_key, p_day, p_type, p_line, 1, p_closed, p_acked, p_ack_us, p_resolved,
          p_resolve_us, p_breached, p_escalated, p_downtime,
          case when p_closure is null then '{}'::integer[] else array[p_closure] end)
        on conflict (kind, grain, day, type, line, key) do update set
          n = c.n + 1,
          n_closed = c.n_closed + excluded.n_closed,
          n_acked = c.n_acked + excluded.n_acked,
          ack_us = c.ack_us + excluded.ack_us,
          n_resolved = c.n_resolved + excluded.n_resolved,
          resolve_us = c.resolve_us + excluded.resolve_us,
          n_breached = c.n_breached + excluded.n_breached,
          n_escalated = c.n_escalated + excluded.n_escalated,
          downtime_minutes = c.downtime_minutes + excluded.downtime_minutes,
          -- keep the array sorted: insert after the last element <= the new one
          closure_s = case when p_closure is null then c.closure_s
            else c.closure_s[:width_bucket(p_closure, c.closure_s)] || p_closure
                 || c.closure_s[width_bucket(p_closure, c.closure_s) + 1:] end;
      else
        update case_report_cells as c set
          n = c.n - 1,
          n_closed = c.n_closed - p_closed,
          n_acked = c.n_acked - p_acked,
          ack_us = c.ack_us - p_ack_us,
          n_resolved = c.n_resolved - p_resolved,
          resolve_us = c.resolve_us - p_resolve_us,
          n_breached = c.n_breached - p_breached,
          n_escalated = c.n_escalated - p_escalated,
          downtime_minutes = c.downtime_minutes - p_downtime,
          closure_s = case when p_closure is null then c.closure_s
            else c.closure_s[:array_position(c.closure_s, p_closure) - 1]
                 || c.closure_s[array_position(c.closure_s, p_closure) + 1:] end
        where c.kind = p_kind and c.grain = p_grain and c.day = p_day and c.type = p_type and c.line = p_line
          and c.key = p_key
          and (p_closure is null or array_position(c.closure_s, p_closure) is not null);
        if not found then
          -- never fail a case update over report bookkeeping; say so, and a rebuild repairs it
          raise warning 'case_report_cells out of step with cases (% % % % %): run andon_report_rebuild()',
            p_kind, p_key, p_day, p_type, p_line;
        end if;
      end if;
    end $$`);

  // One case's contribution to its eight cells (four kinds × day and week), always in the same
  // order: the 'all' cells first, which every writer of the same day/week, type and line takes
  // first, so writers queue there and never deadlock on the others.
  await knex.raw(`
    create function andon_report_apply(p_sign integer, r cases) returns void language plpgsql as $$
    declare
      d date := (r.opened_at at time zone (select time_zone from report_settings));
      w date := date_trunc('week', d::timestamp)::date;
      closed integer := (r.closed_at is not null)::integer;
      acked integer := (r.acknowledged_at is not null)::integer;
      ack_us bigint := coalesce(andon_us(r.opened_at, r.acknowledged_at), 0);
      resolved integer := (r.resolved_at is not null)::integer;
      resolve_us bigint := coalesce(andon_us(r.opened_at, r.resolved_at), 0);
      breached integer := r.sla_breached::integer;
      escalated integer := (r.escalation_level > 0)::integer;
      downtime bigint := coalesce(r.downtime_minutes, 0);
      closure integer := andon_closure_s(r.opened_at, r.closed_at);
      k record;
    begin
      for k in
        select * from (values
          (1, 'all', 'd', '', d), (2, 'all', 'w', '', w),
          (3, 'shift', 'd', coalesce(r.shift, ''), d), (4, 'shift', 'w', coalesce(r.shift, ''), w),
          (5, 'person', 'd', coalesce(r.acked_by, ''), d), (6, 'person', 'w', coalesce(r.acked_by, ''), w),
          (7, 'reason', 'd', coalesce(r.reason_code, ''), d), (8, 'reason', 'w', coalesce(r.reason_code, ''), w)
        ) v(ord, kind, grain, key, day) order by ord
      loop
        perform andon_report_cell(p_sign, k.kind, k.grain::"char", k.key, k.day, r.type, r.line,
          closed, acked, ack_us, resolved, resolve_us, breached, escalated, downtime,
          -- the Pareto only needs counts: no closure times kept for reason cells
          case when k.kind = 'reason' then null else closure end);
      end loop;
    end $$`);

  await knex.raw(`
    create function andon_report_trigger() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        perform andon_report_apply(-1, old);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        perform andon_report_apply(1, new);
      end if;
      return null;
    end $$`);
  await knex.raw(`
    create function andon_report_truncate() returns trigger language plpgsql as $$
    begin
      truncate case_report_cells;
      return null;
    end $$`);

  // Recomputes every cell from cases (backfill, change of time zone, or repair).
  await knex.raw(`
    create function andon_report_rebuild() returns void language plpgsql as $$
    declare
      tz text := (select time_zone from report_settings);
    begin
      lock table cases in share mode; -- writers wait, so no change slips between the two steps
      perform set_config('work_mem', '256MB', true);
      truncate case_report_cells;
      insert into case_report_cells (kind, grain, key, day, type, line, n, n_closed, n_acked, ack_us,
        n_resolved, resolve_us, n_breached, n_escalated, downtime_minutes, closure_s)
      select k.kind, 'd', k.key, (c.opened_at at time zone tz)::date, c.type, c.line,
        count(*), count(c.closed_at), count(c.acknowledged_at),
        coalesce(sum(andon_us(c.opened_at, c.acknowledged_at)), 0),
        count(c.resolved_at), coalesce(sum(andon_us(c.opened_at, c.resolved_at)), 0),
        count(*) filter (where c.sla_breached), count(*) filter (where c.escalation_level > 0),
        coalesce(sum(c.downtime_minutes), 0),
        coalesce(array_agg(andon_closure_s(c.opened_at, c.closed_at)
                           order by andon_closure_s(c.opened_at, c.closed_at))
                 filter (where c.closed_at is not null and k.kind <> 'reason'), '{}')
      from cases c
      cross join lateral (values ('all', ''), ('shift', coalesce(c.shift, '')),
        ('person', coalesce(c.acked_by, '')), ('reason', coalesce(c.reason_code, ''))) k(kind, key)
      group by 1, 3, 4, 5, 6;
      -- week cells from day cells: sums directly, closure times merged per week
      insert into case_report_cells (kind, grain, key, day, type, line, n, n_closed, n_acked, ack_us,
        n_resolved, resolve_us, n_breached, n_escalated, downtime_minutes, closure_s)
      select s.kind, 'w', s.key, s.week, s.type, s.line, s.n, s.n_closed, s.n_acked, s.ack_us,
        s.n_resolved, s.resolve_us, s.n_breached, s.n_escalated, s.downtime_minutes,
        coalesce(m.closure_s, '{}')
      from (
        select kind, key, date_trunc('week', day::timestamp)::date as week, type, line,
          sum(n) as n, sum(n_closed) as n_closed, sum(n_acked) as n_acked, sum(ack_us) as ack_us,
          sum(n_resolved) as n_resolved, sum(resolve_us) as resolve_us, sum(n_breached) as n_breached,
          sum(n_escalated) as n_escalated, sum(downtime_minutes) as downtime_minutes
        from case_report_cells where grain = 'd' group by 1, 2, 3, 4, 5
      ) s
      left join (
        select kind, key, date_trunc('week', day::timestamp)::date as week, type, line,
          array_agg(x order by x) as closure_s
        from case_report_cells, unnest(closure_s) x
        where grain = 'd' and kind <> 'reason' group by 1, 2, 3, 4, 5
      ) m using (kind, key, week, type, line);
      analyze case_report_cells;
    end $$`);

  await knex.raw(`
    create trigger cases_report_insert after insert on cases
    for each row execute function andon_report_trigger()`);
  await knex.raw(`
    create trigger cases_report_update after update on cases
    for each row when ((${TRACKED.map((c) => `old.${c}`).join(', ')})
      is distinct from (${TRACKED.map((c) => `new.${c}`).join(', ')}))
    execute function andon_report_trigger()`);
  await knex.raw(`
    create trigger cases_report_delete after delete on cases
    for each row execute function andon_report_trigger()`);
  await knex.raw(`
    create trigger cases_report_truncate after truncate on cases
    for each statement execute function andon_report_truncate()`);

  // Raw edges of a report's time range (partial days) and the fallback scan.
  await knex.raw(`create index cases_opened_at_idx on cases (opened_at)`);
  // The live board: only active cases, already in board order.
  await knex.raw(
    `create index cases_board_idx on cases (andon_severity_rank(severity), opened_at, id) where ${ACTIVE}`,
  );
  await knex.raw(
    `create index cases_board_line_idx on cases (line, andon_severity_rank(severity), opened_at, id) where ${ACTIVE}`,
  );

  await knex.raw(`select andon_report_rebuild()`);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['insert', 'update', 'delete', 'truncate']) {
    await knex.raw(`drop trigger if exists cases_report_${t} on cases`);
  }
  await knex.raw(`drop index if exists cases_board_line_idx`);
  await knex.raw(`drop index if exists cases_board_idx`);
  await knex.raw(`drop index if exists cases_opened_at_idx`);
  for (const f of [
    'andon_report_rebuild()',
    'andon_report_truncate()',
    'andon_report_trigger()',
    'andon_report_apply(integer, cases)',
    'andon_report_cell(integer, text, "char", text, date, text, text, integer, integer, bigint, integer, bigint, integer, integer, bigint, integer)',
    'andon_severity_rank(text)',
    'andon_closure_s(timestamptz, timestamptz)',
    'andon_us(timestamptz, timestamptz)',
  ]) {
    await knex.raw(`drop function if exists ${f}`);
  }
  await knex.raw(`drop table if exists case_report_cells`);
  await knex.raw(`drop table if exists report_settings`);
}
