import { randomUUID } from 'node:crypto';
import {
  type TrustStore,
  type TrustStoreJson,
  trustStoreFromJson,
  trustStoreToJson,
} from '@xmargin/attestation';
import { type AttestationRegistry, attestationRegistryBody } from '@xmargin/schemas/http';
import type { TrustConfigName, TrustConfigRepository } from '@xmargin/store';
import type { Redis } from 'ioredis';

/**
 * Attestation trust configuration: the guardian trust store and the registry of allowed emitters,
 * known tokens and Pyth feeds. Postgres holds it (the trust root, every change audited); Redis caches it
 * for every API and worker process, and each process caches it in memory, revalidated by a version
 * counter on each use so an admin change applies everywhere at the next attestation. When Redis has lost
 * it (restarted empty, keys evicted or deleted) the next read finds the keys missing and copies them back
 * from Postgres, so valid attestations keep verifying.
 */
export interface AttestationRegistryStore {
  trustStore(): Promise<TrustStore | null>;
  setTrustStore(store: TrustStore, change: TrustChange): Promise<void>;
  registry(): Promise<AttestationRegistry>;
  setRegistry(registry: AttestationRegistry, change: TrustChange): Promise<void>;
  /** Copies Postgres's documents into Redis where Redis lacks them (on start); returns what it restored. */
  rebuild(): Promise<TrustConfigName[]>;
}

/** Who changed the trust root and how, for the audit log. */
export interface TrustChange {
  readonly actor: string;
  readonly action: string;
}

const EMPTY: AttestationRegistry = { emitters: [], tokens: [], pythFeeds: [] };
const NAMES: readonly TrustConfigName[] = ['trust-store', 'registry'];

export function createAttestationRegistryStore(
  redis: Redis,
  prefix: string,
  trustRoot: TrustConfigRepository,
): AttestationRegistryStore {
  const base = `${prefix}:attestation-config`;
  const versionKey = `${base}:version`;
  const keyOf = (name: TrustConfigName) => `${base}:${name}`;
  let cache: { version: string | null; trust: TrustStore | null; registry: AttestationRegistry } | undefined;

  /** Restores the named documents from Postgres into Redis (only where still missing); returns the texts. */
  async function restore(names: readonly TrustConfigName[]): Promise<Map<TrustConfigName, string>> {
    const restored = new Map<TrustConfigName, string>();
    for (const name of names) {
      const record = await trustRoot.get(name);
      if (!record) continue;
      const text = JSON.stringify(record.doc);
      // NX: a concurrent admin write that reached Redis first is newer than what we read.
      await redis.set(keyOf(name), text, 'NX');
      restored.set(name, (await redis.get(keyOf(name))) ?? text);
    }
    // A fresh random version (not a counter restarted from 0 by an empty Redis, which could equal a
    // version another process still caches) makes every process reload.
    if (restored.size > 0) await redis.set(versionKey, randomUUID());
    return restored;
  }

  async function load() {
    const version = await redis.get(versionKey);
    if (cache && cache.version === version) return cache;
    const [trustText, registryText] = await redis.mget(keyOf('trust-store'), keyOf('registry'));
    const texts = new Map<TrustConfigName, string | null>([
      ['trust-store', trustText ?? null],
      ['registry', registryText ?? null],
    ]);
    const missing = NAMES.filter((n) => texts.get(n) === null);
    if (missing.length > 0) for (const [name, text] of await restore(missing)) texts.set(name, text);
    const trust = texts.get('trust-store');
    const registry = texts.get('registry');
    cache = {
      version: await redis.get(versionKey),
      trust: trust ? trustStoreFromJson(JSON.parse(trust) as TrustStoreJson) : null,
      // Validated like the admin body: a value read back from Redis is not trusted blindly.
      registry: registry ? attestationRegistryBody.parse(JSON.parse(registry)) : EMPTY,
    };
    return cache;
  }

  async function write(name: TrustConfigName, doc: unknown, change: TrustChange) {
    await trustRoot.put({ name, doc, actor: change.actor, action: change.action });
    await redis.multi().set(keyOf(name), JSON.stringify(doc)).set(versionKey, randomUUID()).exec();
  }

  return {
    async trustStore() {
      return (await load()).trust;
    },
    async setTrustStore(store, change) {
      await write('trust-store', trustStoreToJson(store), change);
    },
    async registry() {
      return (await load()).registry;
    },
    async setRegistry(registry, change) {
      await write('registry', registry, change);
    },
    async rebuild() {
      const present = await redis.mget(...NAMES.map(keyOf));
      return [...(await restore(NAMES.filter((_, i) => present[i] === null))).keys()];
    },
  };
}
