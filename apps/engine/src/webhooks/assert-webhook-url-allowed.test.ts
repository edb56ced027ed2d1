import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';
import {
  assertWebhookUrlAllowed,
  isInternalAddress,
  type ResolveHost,
} from './assert-webhook-url-allowed.js';

const hosts: Record<string, readonly string[]> = {
  'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'rebind.example.com': ['93.184.216.34', '10.0.0.7'],
  'metadata.example.com': ['169.254.169.254'],
};
const resolve: ResolveHost = async (h) => {
  const a = hosts[h];
  if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
  return a;
};

async function reasonFor(url: string, allowPrivate = false): Promise<string | null> {
  try {
    await assertWebhookUrlAllowed(url, { allowPrivate, resolve });
    return null;
  } catch (err) {
    if (!isAppError(err, 'WEBHOOK__URL_NOT_ALLOWED')) throw err;
    expect(err.context.url).toBe(url);
    return err.context.reason;
  }
}

describe('assertWebhookUrlAllowed', () => {
  it('accepts http(s) URLs of public hosts and addresses', async () => {
    for (const url of [
      'https://hooks.example.com/xmargin',
      'http://93.184.216.34:8080/h',
      'https://[2606:2800:220:1:248:1893:25c8:1946]/h',
    ])
      expect(await reasonFor(url), url).toBeNull();
  });

  it('refuses other schemes, internal addresses, names resolving to one, and unresolvable names', async () => {
    const cases: Record<string, RegExp> = {
      'ftp://hooks.example.com/x': /^scheme ftp:/,
      'file:///etc/passwd': /^scheme file:/,
      'http://127.0.0.1:9/x': /^address 127\.0\.0\.1: loopback/,
      'http://2130706433/x': /^address 127\.0\.0\.1/,
      'http://10.1.2.3/x': /^address 10\.1\.2\.3/,
      'http://172.20.0.1/x': /172\.20\.0\.1/,
      'http://192.168.1.1/x': /192\.168\.1\.1/,
      'http://169.254.169.254/latest/meta-data': /169\.254\.169\.254/,
      'http://100.64.0.1/': /100\.64\.0\.1/,
      'http://0.0.0.0/': /0\.0\.0\.0/,
      'http://[::1]/x': /::1/,
      'http://[fe80::1]/x': /fe80::1/,
      'http://[fd00::1]/x': /fd00::1/,
      'http://[::ffff:127.0.0.1]/x': /::ffff:7f00:1/,
      'http://rebind.example.com/x': /^host rebind\.example\.com resolves to 10\.0\.0\.7/,
      'http://metadata.example.com/x': /resolves to 169\.254\.169\.254/,
      'http://nowhere.invalid/x': /^host nowhere\.invalid does not resolve/,
    };
    for (const [url, reason] of Object.entries(cases)) expect(await reasonFor(url), url).toMatch(reason);
  });

  it('WEBHOOK_ALLOW_PRIVATE=true allows internal addresses but never another scheme', async () => {
    expect(await reasonFor('http://127.0.0.1:9/x', true)).toBeNull();
    expect(await reasonFor('http://[::1]/x', true)).toBeNull();
    expect(await reasonFor('gopher://127.0.0.1/x', true)).toMatch(/^scheme gopher:/);
  });

  it('isInternalAddress judges IPv4-mapped IPv6 by its IPv4 address', () => {
    expect(isInternalAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isInternalAddress('::ffff:93.184.216.34')).toBe(false);
    expect(isInternalAddress('8.8.8.8')).toBe(false);
    expect(isInternalAddress('not-an-ip')).toBe(true);
  });
});

describe('POST /v1/webhooks with WEBHOOK_ALLOW_PRIVATE=false (the default)', () => {
  let t: TestEngine;
  let key: string;
  beforeAll(async () => {
    t = await startTestEngine('webhookssrf', { env: { WEBHOOK_ALLOW_PRIVATE: 'false' } });
    key = await t.key('protocol', 'proto_ssrf');
  });
  afterAll(() => t?.close());

  const register = (url: string) =>
    t.engine.app!.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      payload: { url, kinds: ['threshold'] },
    });

  it('answers 422 WEBHOOK__URL_NOT_ALLOWED for loopback, private and link-local targets', async () => {
    for (const url of [
      'http://127.0.0.1:8080/h',
      'http://localhost/h',
      'http://169.254.169.254/h',
      'http://[::1]/h',
    ]) {
      const r = await register(url);
      expect(r.statusCode, url).toBe(422);
      expect(r.json().error.code, url).toBe('WEBHOOK__URL_NOT_ALLOWED');
    }
    expect(
      (await t.engine.app!.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(key) })).json(),
    ).toEqual({
      webhooks: [],
    });
  });

  it('still registers a public address', async () => {
    const r = await register('https://93.184.216.34/hooks');
    expect(r.statusCode).toBe(201);
    expect(r.json().url).toBe('https://93.184.216.34/hooks');
  });
});
