import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { AppError } from '@xmargin/errors';
import { isInternalAddress } from './assert-webhook-url-allowed.js';

export interface PostToWebhookParameters {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Until the answer's status line. */
  readonly timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: connecting to internal addresses allowed. */
  readonly allowPrivate: boolean;
}

/**
 * The DNS lookup of webhook connections: refuses (WEBHOOK__URL_NOT_ALLOWED) a name that resolves to an
 * internal address at connection time, so a name that passed the check and is then re-pointed at
 * 127.0.0.1 or the metadata service (DNS rebinding) is not connected to.
 */
export const publicOnlyLookup = ((
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const blocked = addresses.find((a) => isInternalAddress(a.address));
    if (blocked || addresses.length === 0) {
      const reason = blocked
        ? `host ${hostname} resolves to ${blocked.address}: loopback, private or link-local (WEBHOOK_ALLOW_PRIVATE)`
        : `host ${hostname} does not resolve`;
      return callback(
        new AppError('WEBHOOK__URL_NOT_ALLOWED', {
          context: { url: hostname, reason },
          shortMessage: `Webhook URL not allowed: ${reason}`,
        }) as unknown as NodeJS.ErrnoException,
        [],
      );
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0] as LookupAddress;
    return callback(null, first.address, first.family);
  });
}) as LookupFunction;

/**
 * POSTs a webhook delivery and resolves with the HTTP status (the body is discarded; redirects are not
 * followed). Without `allowPrivate` every connection goes through `publicOnlyLookup`.
 */
export function postToWebhook(p: PostToWebhookParameters): Promise<number> {
  const url = new URL(p.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...p.headers, 'content-length': String(Buffer.byteLength(p.body)) },
        signal: AbortSignal.timeout(p.timeoutMs),
        ...(p.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(p.body);
  });
}
