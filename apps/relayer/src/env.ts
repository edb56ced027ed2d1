import { AppError, formatIssuePath } from '@xmargin/errors';
import { z } from 'zod';

const hex20or32 = /^(0x)?([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
const base58 = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
const evmAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/)
  .transform((s) => s.toLowerCase() as `0x${string}`);
const refresh = {
  accountId: z.string().regex(/^acc_[a-z0-9_-]{1,64}$/),
  chain: z.string().min(1).max(64),
  wormholeChainId: z.number().int().min(1).max(65_535),
  validitySeconds: z.number().int().positive(),
  refreshBeforeExpirySeconds: z.number().int().nonnegative(),
};
const queryTarget = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('evm-balance'),
      ...refresh,
      rpcUrl: z.url(),
      token: evmAddress,
      holder: evmAddress,
    })
    .strict(),
  z
    .object({
      kind: z.literal('spl-account'),
      ...refresh,
      mint: z.string().regex(base58),
      tokenAccount: z.string().regex(base58),
      owner: z.string().regex(base58).optional(),
    })
    .strict(),
]);

const jsonArray = <T extends z.ZodType>(item: T) =>
  z
    .string()
    .default('[]')
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a JSON array' });
        return z.NEVER;
      }
    })
    .pipe(z.array(item));

const emitterList = z
  .string()
  .default('')
  .transform((s, ctx) =>
    s
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e.length > 0)
      .map((entry) => {
        const [chain, emitter] = entry.split(':');
        if (!chain || !/^\d{1,5}$/.test(chain) || !emitter || !hex20or32.test(emitter)) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not <wormholeChainId>:<emitter hex>` });
          return { chain: 0, emitter: '' };
        }
        return { chain: Number(chain), emitter };
      }),
  );

export const relayerEnv = z.object({
  /** Engine base URL (the `/v1` API). */
  ENGINE_URL: z.url(),
  /** Bearer key with the `relayer` role. */
  RELAYER_API_KEY: z.string().min(8),
  /** Guardian public API endpoints (signed VAAs and the query proxy), comma-separated, tried in turn. */
  GUARDIAN_URL: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u.length > 0),
    )
    .pipe(z.array(z.url()).min(1)),
  /** Vault emitters, `<wormholeChainId>:<address>` separated by commas. */
  RELAYER_EMITTERS: emitterList,
  /** Query targets as a JSON array (see README "Relayer"). */
  RELAYER_QUERIES: jsonArray(queryTarget),
  /** Hermes endpoint and feed ids for Pyth forwarding (both or neither). */
  PYTH_HERMES_URL: z.url().optional(),
  PYTH_FEED_IDS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    )
    .pipe(z.array(z.string().regex(/^0x[0-9a-fA-F]{64}$/))),
  PYTH_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  POLL_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
  ENGINE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Per-emitter cursors survive restarts here. */
  CURSOR_FILE: z.string().min(1).default('./.xmargin/relayer-cursors.json'),
  /** `/metrics` and `/healthz`. */
  RELAYER_HOST: z.string().default('127.0.0.1'),
  RELAYER_PORT: z.coerce.number().int().min(0).max(65_535).default(9465),
  LOG_LEVEL: z.enum(['info', 'error', 'silent']).default('info'),
});
export type RelayerEnv = z.infer<typeof relayerEnv>;

/** The only place in the relayer that reads process.env; tests pass their own record. */
export function loadRelayerEnv(source: Record<string, string | undefined> = process.env): RelayerEnv {
  const result = relayerEnv
    .refine((e) => (e.PYTH_HERMES_URL === undefined) === (e.PYTH_FEED_IDS.length === 0), {
      path: ['PYTH_FEED_IDS'],
      message: 'PYTH_HERMES_URL and PYTH_FEED_IDS go together',
    })
    .refine(
      (e) => e.RELAYER_EMITTERS.length + e.RELAYER_QUERIES.length > 0 || e.PYTH_HERMES_URL !== undefined,
      {
        path: ['RELAYER_EMITTERS'],
        message: 'nothing to relay: set RELAYER_EMITTERS, RELAYER_QUERIES or PYTH_HERMES_URL',
      },
    )
    .safeParse(source);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
  throw new AppError('CONFIG__INVALID', {
    context: { issues },
    shortMessage: 'Invalid relayer environment',
    metaMessages: issues.map((i) => `${i.path}: ${i.message}`),
  });
}
