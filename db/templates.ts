/** Message templates as data (domain/templates.ts): one row per template key and locale. */
import { DEFAULT_TEMPLATES } from '../domain/template-defaults.js';
import {
  TEMPLATE_KEYS,
  type StoredTemplate,
  type TemplateKey,
  type TemplateText,
} from '../domain/templates.js';
import type { Locale } from '../domain/model.js';
import type { Db } from './index.js';

interface Row {
  key: TemplateKey;
  locale: Locale;
  subject: string | null;
  body: string;
  updated_at: Date;
}

export interface TemplateRecord extends StoredTemplate {
  /** True when the text differs from Andon's default. */
  customised: boolean;
  updatedAt: string;
}

const record = (r: Row): TemplateRecord => {
  const d = DEFAULT_TEMPLATES[r.key]?.[r.locale];
  return {
    key: r.key,
    locale: r.locale,
    subject: r.subject,
    body: r.body,
    customised: !d || d.subject !== r.subject || d.body !== r.body,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
};

export async function listTemplates(db: Db): Promise<TemplateRecord[]> {
  const rows = await db<Row>('message_templates').whereIn('key', TEMPLATE_KEYS).orderBy(['key', 'locale']);
  return rows.map(record);
}

export async function getTemplate(db: Db, key: TemplateKey, locale: Locale): Promise<TemplateRecord | null> {
  const r = await db<Row>('message_templates').where({ key, locale }).first();
  return r ? record(r) : null;
}

/** The text to render with: the stored one, or (should a row be missing) the default. */
export async function templateText(db: Db, key: TemplateKey, locale: Locale): Promise<TemplateText> {
  const r = await db<Row>('message_templates').where({ key, locale }).first('subject', 'body');
  return r ? { subject: r.subject, body: r.body } : DEFAULT_TEMPLATES[key][locale];
}

export async function saveTemplate(
  db: Db,
  key: TemplateKey,
  locale: Locale,
  t: TemplateText,
): Promise<TemplateRecord> {
  await db('message_templates')
    .insert({ key, locale, subject: t.subject, body: t.body, updated_at: db.fn.now() })
    .onConflict(['key', 'locale'])
    .merge();
  return (await getTemplate(db, key, locale))!;
}

/** Brings back Andon's default text. */
export function resetTemplate(db: Db, key: TemplateKey, locale: Locale): Promise<TemplateRecord> {
  return saveTemplate(db, key, locale, DEFAULT_TEMPLATES[key][locale]);
}

/** Every stored template text, by `key/locale`, in one query. */
export async function allTemplateTexts(db: Db): Promise<Map<string, TemplateText>> {
  const rows = await db<Row>('message_templates').select('key', 'locale', 'subject', 'body');
  return new Map(rows.map((r) => [`${r.key}/${r.locale}`, { subject: r.subject, body: r.body }]));
}
