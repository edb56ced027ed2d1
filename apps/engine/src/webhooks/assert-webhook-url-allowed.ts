import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@xmargin/errors';

/** Resolves a host name to its addresses (every A and AAAA record). */
export type ResolveHost = (hostname: string) => Promise<readonly string[]>;

export interface AssertWebhookUrlAllowedParameters {
  /** WEBHOOK_ALLOW_PRIVATE: loopback, private and link-local targets allowed (development, tests). */
  readonly allowPrivate: boolean;
  readonly resolve?: ResolveHost;
}

const resolveWithDns: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Addresses a webhook must never reach (SSRF): this host, private networks, link-local (cloud metadata
 * at 169.254.169.254), carrier-grade NAT, benchmarking, documentation, multicast and reserved ranges.
 */
const internal = (() => {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ] as const)
    list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [
    ['::', 128],
    ['::1', 128],
    ['64:ff9b::', 96],
    ['100::', 64],
    ['2001:db8::', 32],
    ['fc00::', 7],
    ['fe80::', 10],
    ['fec0::', 10],
    ['ff00::', 8],
  ] as const)
    list.addSubnet(net, prefix, 'ipv6');
  return list;
})();

/** True for an address no webhook may target (IPv4-mapped IPv6 judged by its IPv4 address). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1] as string, 'ipv4');
  const family = isIP(address);
  if (family === 4) return internal.check(address, 'ipv4');
  if (family === 6) {
    // Other IPv4-embedding forms (::a.b.c.d, ::ffff:hhhh:hhhh) are refused outright.
    if (/^::(ffff:)?[0-9a-f]{1,4}:[0-9a-f]{1,4}$/i.test(address) || /^::\d/.test(address)) return true;
    return internal.check(address, 'ipv6');
  }
  return true;
}

/**
 * Refuses a webhook URL that is not http(s), or (unless private targets are allowed) whose host is, or
 * resolves to, an internal address: WEBHOOK__URL_NOT_ALLOWED with the reason. Checked when a webhook is
 * registered and again before every delivery, since what a name resolves to can change.
 */
export async function assertWebhookUrlAllowed(
  url: string,
  p: AssertWebhookUrlAllowedParameters,
): Promise<void> {
  const refuse = (reason: string): never => {
    throw new AppError('WEBHOOK__URL_NOT_ALLOWED', {
      context: { url, reason },
      shortMessage: `Webhook URL not allowed: ${reason}`,
    });
  };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    refuse(`scheme ${parsed.protocol} (http or https only)`);
  if (p.allowPrivate) return;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: readonly string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = await (p.resolve ?? resolveWithDns)(host);
    } catch {
      return refuse(`host ${host} does not resolve`);
    }
    if (addresses.length === 0) refuse(`host ${host} does not resolve`);
  }
  const blocked = addresses.find(isInternalAddress);
  if (blocked !== undefined)
    refuse(
      `${host === blocked ? 'address' : `host ${host} resolves to`} ${blocked}: loopback, private or link-local (WEBHOOK_ALLOW_PRIVATE)`,
    );
}
