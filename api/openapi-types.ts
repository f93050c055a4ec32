/** The shape of one operation of the OpenAPI document (api/openapi.ts builds it). */
import type { z } from 'zod';

/** How a caller proves who it is. */
export type Auth = 'bearer' | 'none' | 'twilio' | 'link' | 'session';

export interface Answer {
  description: string;
  /** JSON body (application/json), as a zod schema. */
  json?: z.ZodType;
  /** Another media type, described in words. */
  media?: 'text/html' | 'text/xml' | 'text/csv' | 'text/plain' | 'text/event-stream' | 'text/css';
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path as Express writes it (`/api/v1/cases/:id`). */
  path: string;
  summary: string;
  auth: Auth;
  /** Roles that may call it (bearer keys and web sessions nest: admin ⊃ supervisor ⊃ staff). */
  roles?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** An application/x-www-form-urlencoded body. */
  form?: z.ZodObject;
  responses: Record<string, Answer>;
  tag: string;
}
