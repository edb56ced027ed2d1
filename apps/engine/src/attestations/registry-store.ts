import {
  type TrustStore,
  type TrustStoreJson,
  trustStoreFromJson,
  trustStoreToJson,
} from '@xmargin/attestation';
import type { AttestationRegistry } from '@xmargin/schemas/http';
import type { Redis } from 'ioredis';

/**
 * Attestation trust configuration: the guardian trust store and the registry of allowed emitters,
 * known tokens and Pyth feeds. Kept in Redis (shared by every API and worker process; Redis runs with
 * noeviction) and cached per process, revalidated by a version counter on each use so an admin change
 * applies everywhere at the next attestation.
 */
export interface AttestationRegistryStore {
  trustStore(): Promise<TrustStore | null>;
  setTrustStore(store: TrustStore): Promise<void>;
  registry(): Promise<AttestationRegistry>;
  setRegistry(registry: AttestationRegistry): Promise<void>;
}

const EMPTY: AttestationRegistry = { emitters: [], tokens: [], pythFeeds: [] };

export function createAttestationRegistryStore(redis: Redis, prefix: string): AttestationRegistryStore {
  const base = `${prefix}:attestation-config`;
  const versionKey = `${base}:version`;
  let cache: { version: string | null; trust: TrustStore | null; registry: AttestationRegistry } | undefined;

  async function load() {
    const version = await redis.get(versionKey);
    if (cache && cache.version === version) return cache;
    const [trustJson, registryJson] = await redis.mget(`${base}:trust-store`, `${base}:registry`);
    cache = {
      version,
      trust: trustJson ? trustStoreFromJson(JSON.parse(trustJson) as TrustStoreJson) : null,
      registry: registryJson ? (JSON.parse(registryJson) as AttestationRegistry) : EMPTY,
    };
    return cache;
  }

  async function write(key: string, value: string) {
    await redis.multi().set(`${base}:${key}`, value).incr(versionKey).exec();
  }

  return {
    async trustStore() {
      return (await load()).trust;
    },
    async setTrustStore(store) {
      await write('trust-store', JSON.stringify(trustStoreToJson(store)));
    },
    async registry() {
      return (await load()).registry;
    },
    async setRegistry(registry) {
      await write('registry', JSON.stringify(registry));
    },
  };
}
