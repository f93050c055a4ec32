/** RFC 9457 problem details: every error the API returns is `application/problem+json`. */
import type { ErrorRequestHandler, Response } from 'express';
import { ZodError, type z } from 'zod';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { Logger } from '../lib/logger.js';

export interface FieldError {
  field: string;
  message: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
  }
}

export const notFound = (what: string): HttpProblem =>
  new HttpProblem(404, 'Not Found', `${what} does not exist`);
export const conflict = (detail: string): HttpProblem => new HttpProblem(409, 'Conflict', detail);

/** One error per zod issue, naming the field (or `where` for the whole value). */
export const fieldErrors = (issues: z.core.$ZodIssue[], where: string): FieldError[] =>
  issues.map((i) => ({
    field: i.path.length > 0 ? i.path.map(String).join('.') : where,
    message: i.message,
  }));

/** A 400 naming each offending field. */
export function invalid(errors: FieldError[]): HttpProblem {
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new HttpProblem(400, 'Invalid request', detail, errors);
}

export function validationProblem(issues: z.core.$ZodIssue[], where: 'body' | 'query' | 'path'): HttpProblem {
  return invalid(fieldErrors(issues, where));
}

/** Parses `value` with `schema`, throwing a 400 problem that names each offending field. */
export function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'path',
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(result.error.issues, where);
  return result.data;
}

export function sendProblem(res: Response, p: HttpProblem, instance?: string): void {
  res
    .status(p.status)
    .type('application/problem+json')
    .json({
      type: 'about:blank',
      title: p.title,
      status: p.status,
      detail: p.detail,
      ...(instance ? { instance } : {}),
      ...(p.errors ? { errors: p.errors } : {}),
    });
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof HttpProblem) return sendProblem(res, err, req.originalUrl);
    if (err instanceof ZodError)
      return sendProblem(res, validationProblem(err.issues, 'body'), req.originalUrl);
    const e = err as BodyParserError;
    if (e?.type === 'entity.parse.failed') {
      return sendProblem(
        res,
        new HttpProblem(400, 'Invalid request', 'body: not valid JSON', [
          { field: 'body', message: 'not valid JSON' },
        ]),
        req.originalUrl,
      );
    }
    if (e?.type === 'entity.too.large') {
      return sendProblem(
        res,
        new HttpProblem(413, 'Payload Too Large', 'body: larger than the 1 MB limit'),
        req.originalUrl,
      );
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendProblem(res, new HttpProblem(e.status, 'Bad Request', e.message), req.originalUrl);
    }
    if (isDatabaseUnavailable(err)) {
      // An outage, not a bug: the caller sends the request again, which is safe for reports
      // (idempotent on source + externalId) and refused actions alike.
      logger.warn({ err: (err as Error).message, url: req.originalUrl }, 'database unavailable');
      res.setHeader('retry-after', '5');
      return sendProblem(
        res,
        new HttpProblem(
          503,
          'Service Unavailable',
          'the database is unavailable: send the request again shortly',
        ),
        req.originalUrl,
      );
    }
    logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    return sendProblem(
      res,
      new HttpProblem(500, 'Internal Server Error', 'an unexpected error occurred; it has been logged'),
      req.originalUrl,
    );
  };
}
