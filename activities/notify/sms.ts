/**
 * SMS transport: the `twilio` SDK (TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN / TWILIO_FROM), or — with
 * Twilio unset — a recording transport that keeps the messages in memory (GET /api/v1/dev/sms).
 * `TWILIO_API_BASE_URL` points the real SDK at another host (a local fake in tests): a RequestClient
 * that rewrites `https://api.twilio.com` to it, so everything else the SDK does stays as it is.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

export interface OutgoingSms {
  to: string;
  body: string;
  /** Where Twilio posts delivery status (our /webhooks/twilio/status). */
  statusCallback?: string;
}

export interface SmsSender {
  send(sms: OutgoingSms): Promise<{ providerId: string; status: string }>;
}

/** A send that failed; `permanent` when retrying cannot help (e.g. an invalid number). */
export class SendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

class RedirectingRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: 10_000 });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    const base = new URL(this.baseUrl);
    uri.protocol = base.protocol;
    uri.host = base.host;
    return super.request<TData>({ ...opts, uri: uri.toString() });
  }
}

export interface TwilioSmsOptions {
  accountSid: string;
  authToken: string;
  from: string;
  /** e.g. http://127.0.0.1:4010 — the SDK talks to this host instead of api.twilio.com. */
  apiBaseUrl?: string;
}

export function createTwilioSms(o: TwilioSmsOptions): SmsSender {
  const client = twilio(o.accountSid, o.authToken, {
    ...(o.apiBaseUrl ? { httpClient: new RedirectingRequestClient(o.apiBaseUrl) } : {}),
  });
  return {
    async send(sms) {
      try {
        const m = await client.messages.create({
          to: sms.to,
          from: o.from,
          body: sms.body,
          ...(sms.statusCallback ? { statusCallback: sms.statusCallback } : {}),
        });
        return { providerId: m.sid, status: m.status };
      } catch (err) {
        if (err instanceof twilio.RestException) {
          // 4xx (bad number, unsubscribed recipient…) will not get better; 429 and 5xx may.
          const permanent = err.status >= 400 && err.status < 500 && err.status !== 429;
          throw new SendError(
            `Twilio ${err.status}${err.code ? ` (code ${err.code})` : ''}: ${err.message}`,
            permanent,
          );
        }
        throw new SendError(err instanceof Error ? err.message : String(err), false);
      }
    },
  };
}
