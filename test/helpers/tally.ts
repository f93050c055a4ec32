/**
 * The fault suite's tally (issue 16): what a user of Andon would count after a fault — reports
 * posted, accepted, present as cases, doubled, ERP documents per SOP step, notifications sent per
 * page, server errors — checked (nothing lost, nothing doubled, no 5xx) and printed as one line.
 */
import assert from 'node:assert/strict';
import { createSimulatorErp } from '../../activities/erp/simulator.js';
import type { Db } from '../../db/index.js';

export interface Posted {
  externalId: string;
  /** HTTP status of the final answer (after the client's own retries), 0 when none came. */
  status: number;
  /** The case id answered, if any. */
  id?: number;
}

export interface Tally {
  scenario: string;
  posted: number;
  accepted: number;
  /** Refused with a problem+json 503 while a part was down (the MES sent them again). */
  refused: number;
  present: number;
  lost: number;
  duplicates: number;
  erpDocs: number;
  erpPerStep: string;
  pages: number;
  notificationsPerPage: string;
  fiveXX: number;
}

const range = (xs: number[]): string =>
  xs.length === 0
    ? '–'
    : Math.min(...xs) === Math.max(...xs)
      ? `${xs[0]}`
      : `${Math.min(...xs)}–${Math.max(...xs)}`;

/**
 * Counts the outcome of `posted` reports from `source`. A report is accepted when answered 200/201/202;
 * `expect.pages` and `expect.erpDocs` are what each accepted case must have by now (exactly).
 */
export async function tally(
  db: Db,
  o: {
    scenario: string;
    source: string;
    posted: Posted[];
    expect: { pages: number; erpDocs: number };
    /** Reports refused with a problem+json 503 during an outage, and sent again (in `posted`) after it. */
    refused?: number;
  },
): Promise<Tally> {
  const accepted = o.posted.filter((p) => [200, 201, 202].includes(p.status));
  const fiveXX = o.posted.filter((p) => p.status >= 500 || p.status === 0).length;
  const externalIds = [...new Set(o.posted.map((p) => p.externalId))];
  const rows = await db('cases')
    .where({ source: o.source })
    .whereIn('external_id', externalIds)
    .select<Array<{ id: number; external_id: string }>>('id', 'external_id');
  const ids = rows.map((r) => Number(r.id));
  const present = new Set(rows.map((r) => r.external_id));
  const lost = [...new Set(accepted.map((p) => p.externalId))].filter((e) => !present.has(e));

  const erp = createSimulatorErp(db);
  const perStep: number[] = [];
  let erpDocs = 0;
  const docsPerCase: number[] = [];
  for (const id of ids) {
    const docs = await erp.documentsForCase(id);
    erpDocs += docs.length;
    docsPerCase.push(docs.length);
    const steps = new Map<string, number>();
    for (const d of docs) steps.set(d.stepKey, (steps.get(d.stepKey) ?? 0) + 1);
    perStep.push(...steps.values());
  }
  // Per page and person: a page to two people is two notifications, each must go out once.
  const sent = await db('notifications')
    .whereIn('case_id', ids)
    .whereNotNull('task_id')
    .where({ status: 'sent' })
    .groupBy('task_id', 'person_id')
    .select<Array<{ task_id: string; n: number }>>('task_id', db.raw('count(*)::int as n'));
  const pages = await db('tasks')
    .whereIn('case_id', ids)
    .whereRaw('jsonb_array_length(assignees) > 0')
    .count<Array<{ n: string }>>({ n: '*' });
  const pageCount = Number(pages[0]?.n ?? 0);
  const perPage = sent.map((r) => r.n);
  // A page with no sent notification counts as 0 (it reached nobody).
  for (let n = new Set(sent.map((r) => r.task_id)).size; n < pageCount; n++) perPage.push(0);

  const duplicates =
    rows.length -
    present.size +
    perStep.filter((n) => n > 1).reduce((a, n) => a + n - 1, 0) +
    perPage.filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);
  const t: Tally = {
    scenario: o.scenario,
    posted: o.posted.length,
    accepted: accepted.length,
    refused: o.refused ?? 0,
    present: present.size,
    lost: lost.length,
    duplicates,
    erpDocs,
    erpPerStep: range(perStep),
    pages: pageCount,
    notificationsPerPage: range(perPage),
    fiveXX,
  };
  console.log(
    `  TALLY ${t.scenario}: posted ${t.posted}, accepted ${t.accepted}` +
      (o.refused !== undefined ? ` (${t.refused} of them first refused with 503, then sent again)` : '') +
      `, present ${t.present}, lost ${t.lost}, duplicates ${t.duplicates}, ` +
      `ERP documents ${t.erpDocs} (per step ${t.erpPerStep}), pages ${t.pages} (notifications sent per page and person ${t.notificationsPerPage}), 5xx ${t.fiveXX}`,
  );
  assert.equal(t.lost, 0, `accepted but not present: ${lost.join(', ')}`);
  assert.equal(t.duplicates, 0, 'nothing doubled');
  assert.equal(t.fiveXX, 0, 'no 5xx');
  assert.equal(t.pages, present.size * o.expect.pages, 'every case paged');
  assert.ok(
    perPage.every((n) => n === 1),
    'every page reached someone exactly once',
  );
  assert.ok(
    docsPerCase.every((n) => n === o.expect.erpDocs),
    `every case has ${o.expect.erpDocs} ERP document(s)`,
  );
  return t;
}
