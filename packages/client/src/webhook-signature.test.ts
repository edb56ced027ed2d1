import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

describe('webhook signatures', () => {
  const body = '{"id":"1700000000000-0","kind":"threshold"}';
  const header = signWebhook({ secret: 'whsec_x', timestamp: 1_700_000_000, body });

  it('signs t.body with HMAC-SHA256 (a value any HMAC implementation reproduces)', () => {
    // Pinned vector: \`printf '1700000000.%s' "$body" | openssl dgst -sha256 -hmac whsec_x\`.
    expect(header).toBe('t=1700000000,v1=fc5e33d6def042c673dbcf80f1963971c5135bcd5436210dbb1ccb6320dc2eaf');
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
  });

  it('verifies the body, the secret and the time window', () => {
    const ok = { secret: 'whsec_x', header, body, now: 1_700_000_100 };
    expect(verifyWebhookSignature(ok)).toBe(true);
    expect(verifyWebhookSignature({ ...ok, body: `${body} ` })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, secret: 'whsec_y' })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, now: 1_700_000_301 })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, header: header.replace('t=1700000000', 't=1700000100') })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ ...ok, header: undefined })).toBe(false);
  });
});
