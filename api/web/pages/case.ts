/**
 * The case page, its live partial, and its forms. Each form builds the body of the matching REST
 * action from its fields and goes through runAction() like the API: same contract, same refusals.
 * Success goes back to the page (303); a refusal shows the page again with the reason and the
 * status REST would answer.
 */
import { Router, type Request, type Response } from 'express';
import { getCase, type CaseRecord } from '../../../db/cases.js';
import type { Actor } from '../../../domain/contracts/actions.js';
import { idParam } from '../../../domain/contracts/rules.js';
import { compact, decisionData, numberField, optional, required, type FormFields } from '../../forms.js';
import { problemOf, runAction, type ActionName } from '../../run-action.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { refusalText, t } from '../i18n.js';
import { webRoleAllows, type WebRole } from '../session.js';
import { caseTitle } from '../../../workflows/sop/index.js';
import { caseActions, caseDetail } from './case-view.js';

interface FormAction {
  role: WebRole;
  action: ActionName;
  /** The action's body, as REST would take it, from the form's fields. */
  body(form: FormFields, caseId: number): Promise<Record<string, unknown>> | Record<string, unknown>;
}

const caseId = idParam('case');

export function casePage(ctx: WebContext): Router {
  const r = Router();

  const FORMS: Record<string, FormAction> = {
    ack: { role: 'staff', action: 'ack', body: (f) => compact({ taskKey: optional(f.taskKey) }) },
    comment: { role: 'staff', action: 'comment', body: (f) => ({ text: required(f.text) }) },
    decide: {
      role: 'staff',
      action: 'decide',
      async body(f, id) {
        const live = await ctx.cases.state(id);
        const task = live?.tasks.find((x) => x.key === f.taskKey);
        const option = task?.options.find((o) => o.id === f.option);
        const names = Object.keys(f)
          .filter((k) => k.startsWith('f_'))
          .map((k) => k.slice(2));
        const data = decisionData(f, option, (n) => `f_${n}`, ctx.timeZone, names);
        return compact({
          taskKey: optional(f.taskKey),
          option: required(f.option),
          data: Object.keys(data).length > 0 ? data : undefined,
        });
      },
    },
    resolve: {
      role: 'staff',
      action: 'resolve',
      body: (f) => compact({ resolution: required(f.resolution), rootCause: optional(f.rootCause) }),
    },
    close: {
      role: 'supervisor',
      action: 'close',
      body: (f) =>
        compact({
          rootCause: optional(f.rootCause),
          correctiveAction: optional(f.correctiveAction),
          downtimeMinutes: numberField(f.downtimeMinutes),
        }),
    },
    reassign: {
      role: 'supervisor',
      action: 'reassign',
      body: (f) =>
        compact({
          taskKey: optional(f.taskKey),
          role: optional(f.role),
          personId: numberField(f.personId),
          reason: optional(f.reason),
        }),
    },
  };

  const notFound = (req: Request, res: Response, status: number): void => {
    const l = ctx.lang(req);
    ctx.send(req, res, {
      title: t(l, 'notFound'),
      body: html`<p class="error">${t(l, 'notFound')}</p>`,
      status,
    });
  };

  const show = async (
    req: Request,
    res: Response,
    record: CaseRecord,
    error?: { message: string; status: number },
  ): Promise<void> => {
    const l = ctx.lang(req);
    ctx.send(req, res, {
      title: `#${record.id}`,
      body: html`<h1>#${record.id} ${caseTitle(record, l)}</h1>
        ${error ? html`<p class="error" role="alert">${t(l, 'refused')}: ${error.message}</p>` : ''}
        <div
          id="case"
          data-live-src="/partials/cases/${record.id}"
          data-live-case="${record.id}"
          aria-live="polite"
        >
          ${await caseDetail(ctx, record, l, req.webUser!)}
        </div>
        ${caseActions(record, l, req.webUser!)}`,
      active: 'board',
      status: error?.status ?? 200,
    });
  };

  /** The case the path names: null (and the page answered) when the id is malformed or unknown. */
  const load = async (req: Request, res: Response): Promise<CaseRecord | null> => {
    const id = caseId.safeParse(req.params.id);
    const record = id.success ? await getCase(ctx.db, id.data) : null;
    if (!record) notFound(req, res, id.success ? 404 : 400);
    return record;
  };

  r.get('/cases/:id', ctx.need('staff'), async (req, res) => {
    const record = await load(req, res);
    if (record) await show(req, res, record);
  });

  r.get('/partials/cases/:id', ctx.need('staff'), async (req, res) => {
    const id = caseId.safeParse(req.params.id);
    const record = id.success ? await getCase(ctx.db, id.data) : null;
    if (!record) {
      res.status(id.success ? 404 : 400).end();
      return;
    }
    res.type('html').send((await caseDetail(ctx, record, ctx.lang(req), req.webUser!)).value);
  });

  r.post('/cases/:id/act/:action', ctx.need('staff'), async (req, res) => {
    const spec = Object.hasOwn(FORMS, String(req.params.action))
      ? FORMS[String(req.params.action)]
      : undefined;
    if (!spec) return notFound(req, res, 404);
    const record = await load(req, res);
    if (!record) return;
    const l = ctx.lang(req);
    const user = req.webUser!;
    if (!webRoleAllows(user, spec.role))
      return show(req, res, record, { message: t(l, 'forbidden'), status: 403 });
    const actor: Actor = { kind: 'person', id: String(user.personId), name: user.name };
    const form = (req.body ?? {}) as FormFields;
    const outcome = await runAction(
      { db: ctx.db, cases: ctx.cases },
      { caseId: record.id, action: spec.action, body: await spec.body(form, record.id), actor, record },
    );
    if (outcome.ok) return res.redirect(303, `/cases/${record.id}`);
    await show(req, res, (await getCase(ctx.db, record.id)) ?? record, {
      message: refusalText(l, outcome),
      status: problemOf(outcome).status,
    });
  });

  return r;
}
