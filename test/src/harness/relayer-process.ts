import { freePort } from './free-port.js';
import { exitedEarly, type ServiceProcess, startServiceProcess } from './service-process.js';
import { waitFor } from './wait-for.js';

/** A Wormhole Queries target as the relayer's `RELAYER_QUERIES` JSON takes it. */
export type RelayerQueryTarget =
  | {
      readonly kind: 'spl-account';
      readonly accountId: string;
      readonly chain: string;
      readonly wormholeChainId: number;
      readonly mint: string;
      readonly tokenAccount: string;
      readonly validitySeconds: number;
      readonly refreshBeforeExpirySeconds: number;
    }
  | {
      readonly kind: 'evm-balance';
      readonly accountId: string;
      readonly chain: string;
      readonly wormholeChainId: number;
      readonly rpcUrl: string;
      readonly token: string;
      readonly holder: string;
      readonly validitySeconds: number;
      readonly refreshBeforeExpirySeconds: number;
    };

export interface RelayerProcessOptions {
  readonly engineUrl: string;
  readonly apiKey: string;
  readonly guardianUrl: string;
  /** Vault emitters: Wormhole chain id and vault address. */
  readonly emitters: readonly { readonly chain: number; readonly emitter: string }[];
  readonly queries?: readonly RelayerQueryTarget[];
  readonly cursorFile: string;
  readonly pollIntervalMs?: number;
  /** Each JSON log line the relayer writes (its events: `vaa-posted`, `query-posted`, `error`, ...). */
  readonly onEvent?: (event: Record<string, unknown>) => void;
}

export interface RelayerProcess {
  readonly opsUrl: string;
  readonly process: ServiceProcess;
  /** Every event logged so far. */
  events(): readonly Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Starts `apps/relayer/src/main.ts` and waits for its ops server to answer `/healthz`. */
export async function startRelayerProcess(opts: RelayerProcessOptions): Promise<RelayerProcess> {
  const port = await freePort();
  const events: Record<string, unknown>[] = [];
  const proc = startServiceProcess({
    name: 'relayer',
    entry: 'apps/relayer/src/main.ts',
    env: {
      ENGINE_URL: opts.engineUrl,
      RELAYER_API_KEY: opts.apiKey,
      GUARDIAN_URL: opts.guardianUrl,
      RELAYER_EMITTERS: opts.emitters.map((e) => `${e.chain}:${e.emitter}`).join(','),
      RELAYER_QUERIES: JSON.stringify(opts.queries ?? []),
      POLL_INTERVAL_MS: String(opts.pollIntervalMs ?? 250),
      CURSOR_FILE: opts.cursorFile,
      RELAYER_HOST: '127.0.0.1',
      RELAYER_PORT: String(port),
      LOG_LEVEL: 'info',
    },
    onLine: (line) => {
      if (!line.startsWith('{')) return;
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        events.push(event);
        opts.onEvent?.(event);
      } catch {
        // Not a log line of ours (e.g. a runtime warning): kept in output() only.
      }
    },
  });
  const opsUrl = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitFor(
        async () => {
          const res = await fetch(`${opsUrl}/healthz`);
          await res.body?.cancel();
          return res.ok ? true : undefined;
        },
        { what: `relayer ops server at ${opsUrl}`, timeoutMs: 180_000, intervalMs: 250 },
      ),
      exitedEarly(proc),
    ]);
  } catch (err) {
    await proc.stop(2_000);
    throw new Error(`${(err as Error).message}\n--- relayer output ---\n${proc.output()}`, { cause: err });
  }
  return { opsUrl, process: proc, events: () => events, stop: () => proc.stop() };
}
