/** HTML building for the server-rendered pages: escaping by default, a shared layout, local times. */
import { escapeHtml } from '../../lib/html.js';
import { formatLocal } from '../../lib/time.js';
import type { Lang } from './i18n.js';
import { t } from './i18n.js';
import { tx } from './i18n-floor.js';
import type { WebUser } from './session.js';

/** Trusted HTML (already escaped or built from trusted parts). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const raw = (s: string): Html => new Html(s);

type Part = Html | string | number | null | undefined | false | Part[];

/** Tagged template: interpolated values are escaped unless they are Html (or arrays of it). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  const render = (v: Part): string => {
    if (v === null || v === undefined || v === false) return '';
    if (Array.isArray(v)) return v.map(render).join('');
    if (v instanceof Html) return v.value;
    return escapeHtml(v);
  };
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ''), ''));
}

/** A timestamp in the plant's time zone, e.g. 2026-11-24 14:05:09. */
export function localTime(iso: string | Date | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  return formatLocal(typeof iso === 'string' ? new Date(iso) : iso, timeZone);
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  const h = Math.floor(s / 3600);
  return h < 48 ? `${h}h ${Math.floor((s % 3600) / 60)}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function page(opts: {
  title: string;
  lang: Lang;
  user: WebUser | undefined;
  body: Html;
  active?: string;
  timeZone: string;
}): string {
  const { lang, user } = opts;
  const supervisor = user?.role === 'supervisor' || user?.role === 'admin';
  const nav = user
    ? html`<nav aria-label="${t(lang, 'nav')}">
        <a href="/" ${opts.active === 'board' ? raw('aria-current="page"') : ''}>${t(lang, 'board')}</a>
        <a href="/cases" ${opts.active === 'search' ? raw('aria-current="page"') : ''}
          >${tx(lang, 'search')}</a
        >
        <a href="/andon">${tx(lang, 'andon')}</a>
        ${supervisor ? html`<a href="/reports" ${opts.active === 'reports' ? raw('aria-current="page"') : ''}>${t(lang, 'reports')}</a>` : ''}
        ${user.role === 'admin' ? html`<a href="/admin" ${opts.active === 'admin' ? raw('aria-current="page"') : ''}>${t(lang, 'admin')}</a>` : ''}
        ${supervisor ? html`<a href="/outbox" ${opts.active === 'outbox' ? raw('aria-current="page"') : ''}>${t(lang, 'outbox')}</a>` : ''}
        <span class="who">${user.name} · ${t(lang, user.role)}</span>
        <a href="?lang=${lang === 'en' ? 'zh-CN' : 'en'}" hreflang="${lang === 'en' ? 'zh-CN' : 'en'}"
          >${lang === 'en' ? '中文' : 'English'}</a
        >
        <form method="post" action="/logout" class="inline">
          <button type="submit">${t(lang, 'signOut')}</button>
        </form>
      </nav>`
    : html``;
  return `<!doctype html>${
    html`<html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${opts.title} · Andon</title>
        <link rel="stylesheet" href="/static/style.css" />
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t(lang, 'skip')}</a>
        <header><a class="brand" href="/">Andon</a>${nav}</header>
        <main id="main" tabindex="-1">${opts.body}</main>
        <footer>${t(lang, 'timesIn')} ${opts.timeZone}</footer>
      </body>
    </html>`.value
  }`;
}
