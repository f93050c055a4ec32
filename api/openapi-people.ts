/** People, sign-in accounts and rosters (/api/v1, bearer keys) for the OpenAPI document. */
import { z } from 'zod';
import { passwordBody } from '../domain/contracts/accounts.js';
import {
  entryBody,
  lineBody,
  onDutyQuery,
  overrideBody,
  patternBody,
  peopleQuery,
  personBody,
  rostersQuery,
} from '../domain/contracts/people.js';
import {
  lineResponse,
  linesResponse,
  onDutyResponse,
  peopleResponse,
  personResponse,
  rosterEntryResponse,
  rosterOverrideResponse,
  rostersResponse,
  shiftPatternResponse,
  shiftPatternsResponse,
} from '../domain/contracts/responses.js';
import { idParam, lineCode } from '../domain/contracts/rules.js';
import type { Answer, Operation } from './openapi-types.js';

const V1 = '/api/v1';
const idOf = (what: string) => z.object({ id: idParam(what) });
const notFound: Answer = { description: 'no such record' };
const problem = (description: string): Answer => ({ description });

const admin = (o: Omit<Operation, 'auth' | 'roles' | 'tag'>): Operation => ({
  ...o,
  auth: 'bearer',
  roles: 'admin',
  tag: 'people',
});

export const PEOPLE_OPERATIONS: readonly Operation[] = [
  admin({
    method: 'get',
    path: `${V1}/people`,
    summary: 'People',
    query: peopleQuery,
    responses: { '200': { description: 'people', json: peopleResponse } },
  }),
  admin({
    method: 'post',
    path: `${V1}/people`,
    summary: 'Add a person',
    body: personBody,
    responses: {
      '201': { description: 'the person', json: personResponse },
      '409': problem('the phone or email is in use (`errors` names it)'),
    },
  }),
  admin({
    method: 'get',
    path: `${V1}/people/:id`,
    summary: 'One person',
    params: idOf('person'),
    responses: { '200': { description: 'the person', json: personResponse }, '404': notFound },
  }),
  admin({
    method: 'put',
    path: `${V1}/people/:id`,
    summary: 'Replace a person’s details and roles',
    params: idOf('person'),
    body: personBody,
    responses: {
      '200': { description: 'the person', json: personResponse },
      '404': notFound,
      '409': problem('the phone or email is in use'),
    },
  }),
  admin({
    method: 'delete',
    path: `${V1}/people/:id`,
    summary: 'Deactivate a person (never deleted: the timeline names them)',
    params: idOf('person'),
    responses: { '200': { description: 'the person, inactive', json: personResponse }, '404': notFound },
  }),
  admin({
    method: 'put',
    path: `${V1}/people/:id/password`,
    summary: 'Set a person’s web password (argon2id); ends all their web sessions',
    params: idOf('person'),
    body: passwordBody,
    responses: { '204': { description: 'set' }, '404': notFound },
  }),
  {
    method: 'post',
    path: `${V1}/people/:id/unlock`,
    summary: 'Lift the sign-in lockout that repeated wrong passwords set',
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'people',
    params: idOf('person'),
    responses: { '204': { description: 'unlocked' }, '404': notFound },
  },
  admin({
    method: 'get',
    path: `${V1}/rosters/lines`,
    summary: 'Lines (work centres)',
    responses: { '200': { description: 'lines', json: linesResponse } },
  }),
  admin({
    method: 'put',
    path: `${V1}/rosters/lines/:code`,
    summary: 'Create or replace a line',
    params: z.object({ code: lineCode }),
    body: lineBody,
    responses: { '200': { description: 'the line', json: lineResponse } },
  }),
  admin({
    method: 'get',
    path: `${V1}/rosters/shift-patterns`,
    summary: 'Shift patterns',
    responses: { '200': { description: 'patterns', json: shiftPatternsResponse } },
  }),
  admin({
    method: 'post',
    path: `${V1}/rosters/shift-patterns`,
    summary: 'Add a shift pattern',
    body: patternBody,
    responses: {
      '201': { description: 'the pattern', json: shiftPatternResponse },
      '409': problem('a pattern with this name exists'),
    },
  }),
  admin({
    method: 'put',
    path: `${V1}/rosters/shift-patterns/:id`,
    summary: 'Replace a shift pattern',
    params: idOf('shift pattern'),
    body: patternBody,
    responses: {
      '200': { description: 'the pattern', json: shiftPatternResponse },
      '404': notFound,
      '409': problem('roster entries still use a shift it drops'),
    },
  }),
  admin({
    method: 'get',
    path: `${V1}/rosters`,
    summary: 'Roster entries and overrides',
    query: rostersQuery,
    responses: { '200': { description: 'entries and overrides', json: rostersResponse } },
  }),
  admin({
    method: 'post',
    path: `${V1}/rosters/entries`,
    summary: 'Add a roster entry',
    body: entryBody,
    responses: { '201': { description: 'the entry', json: rosterEntryResponse } },
  }),
  admin({
    method: 'delete',
    path: `${V1}/rosters/entries/:id`,
    summary: 'Delete a roster entry',
    params: idOf('roster entry'),
    responses: { '204': { description: 'deleted' }, '404': notFound },
  }),
  admin({
    method: 'post',
    path: `${V1}/rosters/overrides`,
    summary: 'Add a cover or on-call override',
    body: overrideBody,
    responses: { '201': { description: 'the override', json: rosterOverrideResponse } },
  }),
  admin({
    method: 'delete',
    path: `${V1}/rosters/overrides/:id`,
    summary: 'Delete an override',
    params: idOf('roster override'),
    responses: { '204': { description: 'deleted' }, '404': notFound },
  }),
  {
    method: 'get',
    path: `${V1}/rosters/on-duty`,
    summary: 'Who Andon would page for a role on a line now (or at), and how it found them',
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'people',
    query: onDutyQuery,
    responses: { '200': { description: 'the people on duty', json: onDutyResponse } },
  },
];
