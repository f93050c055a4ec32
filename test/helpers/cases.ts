/** Small API helpers for scenario tests: open a case, wait for its tasks, act on them, read it back. */
import assert from 'node:assert/strict';
import type { ExceptionType } from '../../domain/model.js';
import type { CaseState, TaskView } from '../../workflows/case/messages.js';
import { caseBody } from './bodies.js';
import type { Harness } from './harness.js';
import { eventually } from './wait.js';

export interface CaseJson {
  id: number;
  status: string;
  type: string;
  escalationLevel: number;
  currentStep: string | null;
  slaBreached: boolean;
  resolution: string | null;
  rootCause: string | null;
  correctiveAction: string | null;
  downtimeMinutes: number | null;
  parentCaseId: number | null;
  recurrenceOf: number | null;
  reopenCount: number;
  live: CaseState | null;
}

export interface TimelineEventJson {
  id: number;
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

export interface ProblemJson {
  status: number;
  title: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}

export function caseApi(h: Harness) {
  const api = {
    async open(type: ExceptionType, overrides: Record<string, unknown> = {}): Promise<number> {
      const res = await h.api<CaseJson>('POST', '/api/v1/cases', {
        key: h.keys.mes,
        body: caseBody(type, overrides),
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    },
    async get(id: number): Promise<CaseJson> {
      const res = await h.api<CaseJson>('GET', `/api/v1/cases/${id}`, { key: h.keys.staff });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    },
    async events(id: number): Promise<TimelineEventJson[]> {
      return (await h.api<{ events: TimelineEventJson[] }>('GET', `/api/v1/cases/${id}/timeline`)).body
        .events;
    },
    async types(id: number): Promise<string[]> {
      return (await api.events(id)).map((e) => e.type);
    },
    /** The SOP steps the case went through, in order. */
    async steps(id: number): Promise<string[]> {
      return (await api.events(id)).filter((e) => e.type === 'sop_step').map((e) => String(e.data.step));
    },
    /** Waits until task `key` exists, is waiting for an answer, and its page went out. */
    async task(id: number, key: string): Promise<TaskView> {
      return eventually(async () => {
        const live = (await api.get(id)).live;
        const t = live?.tasks.find((x) => x.key === key);
        if (!t || (t.status !== 'open' && t.status !== 'acked')) return null;
        // Assignees are set once the page has gone out (and its `notified` event is written).
        return t.assignees.length > 0 ? t : null;
      }, `task ${key} of case ${id}`);
    },
    async waitFor(id: number, what: string, pred: (c: CaseJson) => boolean): Promise<CaseJson> {
      return eventually(async () => {
        const c = await api.get(id);
        return pred(c) ? c : null;
      }, `${what} (case ${id})`);
    },
    async waitForEvent(
      id: number,
      type: string,
      pred: (e: TimelineEventJson) => boolean = () => true,
    ): Promise<TimelineEventJson[]> {
      return eventually(async () => {
        const events = await api.events(id);
        return events.some((e) => e.type === type && pred(e)) ? events : null;
      }, `a ${type} event on case ${id}`);
    },
    async post<T = CaseJson>(id: number, action: string, body: unknown = {}, key = h.keys.supervisor) {
      return h.api<T>('POST', `/api/v1/cases/${id}/${action}`, { key, body });
    },
    async decide(
      id: number,
      taskKey: string,
      option: string,
      data?: Record<string, string | number>,
      note?: string,
    ): Promise<CaseJson> {
      await api.task(id, taskKey);
      const res = await api.post(
        id,
        'decisions',
        { taskKey, option, ...(data ? { data } : {}), ...(note ? { note } : {}) },
        h.keys.staff,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    },
    async mes(id: number, kind: string, data?: Record<string, unknown>) {
      return h.api<CaseJson | ProblemJson>('POST', `/api/v1/cases/${id}/events`, {
        key: h.keys.mes,
        body: { kind, ...(data ? { data } : {}) },
      });
    },
    async docTypes(id: number): Promise<string[]> {
      return (await h.erpDocuments(id)).map((d) => d.docType);
    },
  };
  return api;
}

/** An ISO date-time `seconds` from now. */
export const inSeconds = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString();
