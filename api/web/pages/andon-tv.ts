/**
 * The andon wall screen: /andon (every line, rotating when they do not fit) and /andon/{line}.
 * A TV opens it with a display token (`?token=…`, then kept in a cookie so the address bar does not
 * show it); signed-in people open it too. Tiles are refreshed over /andon/live (SSE) and
 * static/andon.js counts downtime and SLA time live. Shows names, never contacts.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { andonBoard, type AndonCase, type AndonLine, type AndonTile } from '../../../db/andon-board.js';
import { screenOfToken, type DisplayScreen } from '../../../db/display-tokens.js';
import { WAITING_STEPS } from '../../../domain/andon.js';
import { lineCode } from '../../../domain/contracts/rules.js';
import { EXCEPTION_TYPE_LABELS } from '../../../domain/model.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { langOf, t, type Lang } from '../i18n.js';
import { tx } from '../i18n-floor.js';
import { liveStream } from '../live.js';
import { readCookie } from '../session.js';

export const DISPLAY_COOKIE = 'andon_display';

declare module 'express-serve-static-core' {
  interface Request {
    andonScreen?: DisplayScreen;
  }
}

/** A signed-in person's screen: every line, their language, no sound. */
const personalScreen = (req: Request): DisplayScreen => ({
  id: 0,
  name: req.webUser?.name ?? '',
  lines: null,
  locale: req.webUser?.locale ?? 'en',
  rotateSeconds: 20,
  sound: req.query.sound === '1',
  flash: req.query.flash !== '0',
});

function statusWord(l: Lang, c: AndonCase): string {
  if (c.colour === 'red') return tx(l, c.escalationLevel > 0 ? 'colour_red' : 'slaBreached');
  if (c.colour === 'blue')
    return tx(l, WAITING_STEPS[c.currentStep ?? ''] === 'material' ? 'waiting_material' : 'waiting_erp');
  if (c.status === 'pending_start') return tx(l, 'statusPending');
  if (c.status === 'resolved') return tx(l, 'statusResolved');
  return tx(l, c.status === 'acknowledged' ? 'statusAcked' : 'statusOpen');
}

function tile(l: Lang, line: AndonLine, tl: AndonTile): Html {
  const c = tl.cases.find((x) => x.colour === tl.colour) ?? tl.cases[0];
  const key = `${line.line}/${tl.station ?? ''}`;
  const name = tl.station ?? `${tx(l, 'lineLevel')} ${line.line}`;
  if (!c || tl.colour === 'green') {
    return html`<article class="tile green" data-tile="${key}" data-colour="green">
      <h3>${name}</h3>
      <p class="big">${tx(l, 'allClear')}</p>
      ${c ? html`<p class="meta">#${c.id} ${statusWord(l, c)}</p>` : ''}
    </article>`;
  }
  return html`<article
    class="tile ${tl.colour}"
    data-tile="${key}"
    data-colour="${tl.colour}"
    data-case="${c.id}"
  >
    <h3>${name} <span class="case-no">#${c.id}</span></h3>
    <p class="big">${EXCEPTION_TYPE_LABELS[c.type][l]}</p>
    <p class="state">
      ${statusWord(l, c)}${c.reportCount > 1 ? html` <span class="repeats">×${c.reportCount}</span>` : ''}
    </p>
    <p class="clocks">
      <span>${tx(l, 'down')} <time class="elapsed" datetime="${c.since}"></time></span>
      ${c.slaDeadline ? html`<span>${tx(l, 'slaLeft')} <time class="countdown" datetime="${c.slaDeadline}" data-overdue="${t(l, 'overdue')}"></time></span>` : ''}
    </p>
    <p class="people">${tx(l, 'onIt')}: ${c.people.length > 0 ? c.people.join(', ') : tx(l, 'nobodyYet')}</p>
    ${tl.cases.length > 1 ? html`<p class="meta">${tx(l, 'moreCases', { n: tl.cases.length - 1 })}</p>` : ''}
  </article>`;
}

export function andonTiles(l: Lang, lines: AndonLine[]): Html {
  if (lines.length === 0) return html`<p class="empty">${tx(l, 'noLines')}</p>`;
  return html`${lines.map(
    (ln) =>
      html`<section class="andon-line ${ln.colour}" data-line="${ln.line}">
        <h2>
          <span class="dot"></span>${t(l, 'line')} ${ln.line}${ln.name !== ln.line ? html` · ${ln.name}` : ''}
        </h2>
        <div class="tiles">${ln.tiles.map((tl) => tile(l, ln, tl))}</div>
      </section>`,
  )}`;
}

export function andonTvPage(ctx: WebContext): Router {
  const r = Router();

  const refuse = (req: Request, res: Response, key: 'displayRevoked' | 'displayNeedsToken'): void => {
    const l = langOf(req);
    res
      .status(401)
      .type('html')
      .send(
        `<!doctype html>${
          html`<html lang="${l}">
            <head>
              <meta charset="utf-8" />
              <title>Andon</title>
              <link rel="stylesheet" href="/static/andon.css" />
            </head>
            <body class="andon-tv">
              <p class="refused" role="alert">${tx(l, key)}</p>
              ${key === 'displayNeedsToken' ? html`<p class="refused"><a href="/login?next=${encodeURIComponent(req.originalUrl)}">${t(l, 'signIn')}</a></p>` : ''}
            </body>
          </html>`.value
        }`,
      );
  };

  /** A display token (query or cookie) or a signed-in person; else 401. */
  const screen = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
    const token = fromQuery ?? readCookie(req, DISPLAY_COOKIE);
    if (token !== undefined) {
      const found = await screenOfToken(ctx.db, token);
      if (!found) {
        res.append('Set-Cookie', `${DISPLAY_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
        return refuse(req, res, 'displayRevoked');
      }
      if (fromQuery !== undefined && req.method === 'GET' && !req.path.startsWith('/partials')) {
        // Kept in a cookie, and the address bar no longer shows it.
        const secure = req.secure ? '; Secure' : '';
        res.append(
          'Set-Cookie',
          `${DISPLAY_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${400 * 24 * 3600}${secure}`,
        );
        const rest = new URLSearchParams(req.query as Record<string, string>);
        rest.delete('token');
        const q = rest.toString();
        res.redirect(303, `${req.path}${q ? `?${q}` : ''}`);
        return;
      }
      req.andonScreen = found;
      return next();
    }
    if (req.webUser) {
      req.andonScreen = personalScreen(req);
      return next();
    }
    refuse(req, res, 'displayNeedsToken');
  };

  const lang = (req: Request): Lang => langOf(req, req.andonScreen?.locale);

  /** The lines this request shows: the path's line (within the screen's), else the screen's. */
  const linesOf = (req: Request): string[] | null | 'bad' => {
    const s = req.andonScreen!;
    if (req.params.line === undefined) return s.lines;
    const one = lineCode.safeParse(req.params.line);
    if (!one.success || (s.lines && !s.lines.includes(one.data))) return 'bad';
    return [one.data];
  };

  const tiles = async (req: Request): Promise<Html | null> => {
    const lines = linesOf(req);
    if (lines === 'bad') return null;
    return andonTiles(lang(req), await andonBoard(ctx.db, { lines, now: new Date() }));
  };

  const show = async (req: Request, res: Response): Promise<void> => {
    const l = lang(req);
    const s = req.andonScreen!;
    const body = await tiles(req);
    if (!body) {
      res.status(404).type('text/plain').send(t(l, 'notFound'));
      return;
    }
    const partial = `/partials/andon${req.params.line ? `/${encodeURIComponent(String(req.params.line))}` : ''}`;
    res.type('html').send(
      `<!doctype html>${
        html`<html lang="${l}">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>${tx(l, 'andonBoard')} · Andon</title>
            <link rel="stylesheet" href="/static/andon.css" />
            <script src="/static/andon.js" defer></script>
          </head>
          <body
            class="andon-tv"
            data-rotate="${req.params.line ? 0 : s.rotateSeconds}"
            data-sound="${s.sound ? '1' : '0'}"
            data-flash="${s.flash ? '1' : '0'}"
          >
            <header class="andon-head">
              <h1>${tx(l, 'andonBoard')}${s.id ? html` · ${s.name}` : ''}</h1>
              <span class="offline" hidden>${tx(l, 'offline')}</span>
              <time class="clock"></time>
            </header>
            <main id="andon" data-live-src="${partial}" aria-live="polite">${body}</main>
            <p class="revoked" hidden role="alert">${tx(l, 'displayRevoked')}</p>
          </body>
        </html>`.value
      }`,
    );
  };

  r.get('/andon', screen, show);
  const stream = liveStream(ctx.events, ctx.maxStreamsPerSession ?? 8, (q) => t(lang(q), 'tooManyStreams'));
  r.get('/andon/live', screen, (req, res) => {
    // One budget of streams per screen (display token) or per session.
    req.webSession = req.webSession ?? `display:${req.andonScreen!.id}`;
    stream(req, res);
  });
  r.get('/andon/:line', screen, show);
  const partial = async (req: Request, res: Response): Promise<void> => {
    const body = await tiles(req);
    if (!body) res.status(404).end();
    else res.type('html').send(body.value);
  };
  r.get('/partials/andon', screen, partial);
  r.get('/partials/andon/:line', screen, partial);
  return r;
}
