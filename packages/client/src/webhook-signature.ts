import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying a webhook delivery's signature. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-xmargin-signature';

export interface SignWebhookParameters {
  /** The webhook's secret (returned once, at registration). */
  readonly secret: string;
  /** Unix seconds of the attempt. */
  readonly timestamp: number;
  /** The exact request body (raw bytes as sent). */
  readonly body: string;
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>`: the timestamp is
 * signed with the body, so a captured delivery cannot be replayed later with a new time.
 */
export function signWebhook({ secret, timestamp, body }: SignWebhookParameters): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export interface VerifyWebhookSignatureParameters {
  readonly secret: string;
  /** The `X-Xmargin-Signature` header as received. */
  readonly header: string | null | undefined;
  /** The raw request body, before any JSON parsing. */
  readonly body: string;
  /** Unix seconds now (default: the clock). */
  readonly now?: number;
  /** Oldest accepted signature time, in seconds from now (default 300). */
  readonly toleranceSeconds?: number;
}

/** True when the header signs this body with the secret and its time is within the tolerance. */
export function verifyWebhookSignature(p: VerifyWebhookSignatureParameters): boolean {
  const parts = new Map(
    (p.header ?? '').split(',').map((kv) => {
      const i = kv.indexOf('=');
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = p.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (p.toleranceSeconds ?? 300)) return false;
  const expected = signWebhook({ secret: p.secret, timestamp: t, body: p.body }).slice(`t=${t},v1=`.length);
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(v1, 'hex'));
}
