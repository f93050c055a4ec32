/** A person's stored locale as one Andon speaks: anything else reads as English. */
import { LOCALES, type Locale } from '../domain/model.js';

export const asLocale = (v: string | null | undefined): Locale =>
  (LOCALES as readonly string[]).includes(v ?? '') ? (v as Locale) : 'en';
