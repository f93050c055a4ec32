/**
 * The one set of input rules every entry point uses (REST, web forms, action links, SMS, MQTT):
 * text, numbers, dates, ids and free-form JSON. A value that breaks a rule is refused with a reason
 * naming what is wrong; nothing is ever silently replaced, so what is stored is what was sent.
 */
import { z } from 'zod';

/**
 * Why `s` cannot be stored as text, or null when it can. Refused: lone surrogates (not Unicode at
 * all), NUL and the other control characters except tab and line breaks (PostgreSQL refuses NUL,
 * terminals and CSV readers misbehave on the rest), and Unicode non-characters (U+FFFE, U+FDD0…).
 */
export function textProblem(s: string, opts: { multiline?: boolean } = {}): string | null {
  if (!s.isWellFormed()) return 'contains a lone surrogate (not valid Unicode)';
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (c === 0) return 'contains a NUL character (U+0000)';
    if (c === 0x09 || c === 0x0a || c === 0x0d) {
      if (!opts.multiline) return `contains a ${c === 0x09 ? 'tab' : 'line break'}; give a single line`;
      continue;
    }
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return `contains the control character ${codePoint(c)}`;
    if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) === 0xfffe)
      return `contains the Unicode non-character ${codePoint(c)}`;
  }
  return null;
}

const codePoint = (c: number): string => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

const checkText =
  (multiline: boolean) =>
  (s: string, ctx: z.RefinementCtx<string>): void => {
    const problem = textProblem(s, { multiline });
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
  };

/** A single line of text (names, titles, codes people type): trimmed, 1…max characters. */
export const line = (max: number) =>
  z
    .string({ message: 'must be text' })
    .superRefine(checkText(false))
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`);

/** Free text that may span lines (comments, resolutions, notes): trimmed, 1…max characters. */
export const prose = (max: number) =>
  z
    .string({ message: 'must be text' })
    .superRefine(checkText(true))
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`);

/** Optional free text that may be empty (a note): at most max characters, same character rule. */
export const note = (max: number) =>
  z.string({ message: 'must be text' }).superRefine(checkText(true)).max(max, `at most ${max} characters`);

/** A line (work centre) code, as rosters and policies name it: letters, digits, `_ . -`. */
export const lineCode = z
  .string({ message: 'must be a line code such as L1' })
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a line code such as L1');

// ── numbers ─────────────────────────────────────────────────────────────────────────────────
/** The largest quantity Andon accepts: far beyond any lot, far below what breaks arithmetic. */
export const MAX_QUANTITY = 1_000_000_000;

/** A positive quantity with at most 6 decimal places. */
export const quantity = z
  .number({ message: 'must be a number' })
  .positive('must be greater than 0')
  .max(MAX_QUANTITY, `at most ${MAX_QUANTITY}`)
  .refine((v) => Number(v.toFixed(6)) === v, 'at most 6 decimal places');

/** Whole minutes of downtime, from 0 to a year: the same rule on every path that reports it. */
export const downtimeMinutes = z
  .number({ message: 'must be a number of minutes' })
  .int('must be whole minutes')
  .min(0, 'must not be negative')
  .max(525_600, 'is more than a year');

/** A positive whole number of seconds within [min, max]. */
export const seconds = (min: number, max: number) =>
  z
    .number({ message: 'must be a number of seconds' })
    .int('must be whole seconds')
    .min(min, `at least ${min}`)
    .max(max, `at most ${max}`);

// ── dates ───────────────────────────────────────────────────────────────────────────────────
/** Years a date may carry: PostgreSQL has no year 0, and nothing in a plant is older than 1970. */
const yearInRange = (iso: string): boolean => {
  const year = Number(iso.slice(0, 4));
  return (
    year >= 1970 && year <= 9999 && !Number.isNaN(Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso))
  );
};

/** An ISO 8601 date-time with a time zone (Z or ±hh:mm), between 1970 and 9999. */
export const isoDateTime = z
  .string({ message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-24T08:00:00Z' })
  .pipe(
    z.iso.datetime({
      offset: true,
      message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-24T08:00:00Z',
    }),
  )
  .refine(yearInRange, {
    message: 'must be a real date-time between the years 1970 and 9999',
    when: (p) => p.issues.length === 0,
  });

/** A calendar date YYYY-MM-DD between 1970 and 9999. */
export const isoDate = z
  .string({ message: 'must be a date, YYYY-MM-DD' })
  .pipe(z.iso.date({ message: 'must be a date, YYYY-MM-DD' }))
  .refine(yearInRange, {
    message: 'must be a real date between the years 1970 and 9999',
    when: (p) => p.issues.length === 0,
  });

// ── ids ─────────────────────────────────────────────────────────────────────────────────────
/**
 * A record id as it appears in a path or a query string: plain decimal digits only, so that
 * ` 1`, `1%0A`, `0x10` or `1e3` never name record 1.
 */
export const idParam = (what: string) =>
  z
    .string({ message: `must be a ${what} id` })
    .regex(/^[1-9][0-9]{0,15}$/, `must be a ${what} id: a whole number written in digits`)
    .transform(Number)
    .refine(Number.isSafeInteger, 'is too large');

/** An id inside a JSON body. */
export const idValue = (what: string) =>
  z
    .number({ message: `must be a ${what} id` })
    .int(`must be a ${what} id`)
    .positive(`must be a ${what} id`)
    .max(Number.MAX_SAFE_INTEGER, 'is too large');

// ── free-form JSON ──────────────────────────────────────────────────────────────────────────
export interface JsonLimits {
  /** Serialized size in bytes (UTF-8). */
  maxBytes: number;
  /** Nesting depth: 1 is a flat object. */
  maxDepth: number;
}

/** The limits of free-form data a machine attaches (MES event data). */
export const EVENT_DATA_LIMITS: JsonLimits = { maxBytes: 16 * 1024, maxDepth: 6 };

/**
 * Why a free-form JSON value cannot be kept, or null when it can: too deep, too large, a key or a
 * string breaking the text rule, or a number that is not finite. Walks without recursion so a
 * hostile 100,000-deep value costs nothing but a refusal.
 */
export function jsonProblem(value: unknown, limits: JsonLimits): { path: string; message: string } | null {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v, { multiline: true });
      if (problem) return { path, message: problem };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'must be a finite number' };
    } else if (v !== null && typeof v === 'object') {
      if (depth >= limits.maxDepth) return { path, message: `nested deeper than ${limits.maxDepth} levels` };
      const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
      for (const [k, x] of entries) {
        const problem = textProblem(k);
        if (problem) return { path, message: `a key ${problem}` };
        stack.push({ v: x, path: path ? `${path}.${k}` : k, depth: depth + 1 });
      }
    } else if (typeof v !== 'boolean' && v !== null) {
      return { path, message: 'must be JSON' };
    }
  }
  const bytes = utf8Length(JSON.stringify(value) ?? '');
  if (bytes > limits.maxBytes)
    return { path: '', message: `larger than ${limits.maxBytes} bytes (${bytes})` };
  return null;
}

/** UTF-8 size of well-formed text (without Buffer: this module also runs in the workflow sandbox). */
function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** A JSON object of free-form data within `limits`. */
export const jsonObject = (limits: JsonLimits) =>
  z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    const problem = jsonProblem(v, limits);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        message: problem.message,
        input: v,
        ...(problem.path ? { path: problem.path.split('.') } : {}),
      });
  });
