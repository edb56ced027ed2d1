import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublicKey } from '@solana/web3.js';
import { trustStoreToJson } from '@xmargin/attestation';
import { devnetTrustStore } from '@xmargin/attestation/testing';
import type { XmarginClient } from '@xmargin/client';
import {
  DEVNET_SETTLEMENT_PRIVATE_KEY,
  type DevnetGuardians,
  type EvmDevnet,
  type GuardianEvmChain,
  type SolanaDevnet,
  startDevnetGuardians,
  startEvmDevnet,
  startSolanaDevnet,
} from './devnet.js';
import { type EngineProcess, startEngineProcess } from './engine-process.js';
import { deleteRedisPrefix } from './redis-server.js';
import { type RelayerProcess, type RelayerQueryTarget, startRelayerProcess } from './relayer-process.js';

/** Wormhole chain ids the devnets reuse (as Wormhole's own devnet does): Ethereum, Arbitrum, Solana. */
export const WORMHOLE_CHAIN = { 'evm-devnet': 2, 'evm-devnet-2': 23, 'solana-devnet': 1 } as const;

export interface StackOptions {
  /** Short label: part of the queue prefix and temp folder names. */
  readonly label: string;
  readonly redisUrl: string;
  /** Also start a second EVM devnet (`evm-devnet-2`, chain id 1338, Wormhole chain 23). */
  readonly secondEvm?: boolean;
  /** Also start the Solana devnet with a USDC mint. */
  readonly solana?: boolean;
  readonly thresholds?: readonly number[];
  /** Folder for PGlite data and relayer cursors (default: a fresh temp folder, removed by stop()). */
  readonly dataDir?: string;
  readonly engineLogLevel?: string;
  /** How long the engine may take to report ready (default: the engine process's, 180 s). */
  readonly engineReadyTimeoutMs?: number;
  /** Progress lines while starting (the demo prints them). */
  readonly progress?: (message: string) => void;
  /** Engine output lines. */
  readonly onEngineLine?: (line: string) => void;
  /**
   * Binding collateral: the engine gets the devnet settlement key and indexes the EVM vaults itself
   * (withdrawal authorisations, forced-withdrawal requests). It then starts after the devnets, whose
   * RPC URLs it needs.
   */
  readonly settlement?: boolean;
}

export interface StackRelayerOptions {
  readonly queries?: readonly RelayerQueryTarget[];
  readonly onEvent?: (event: Record<string, unknown>) => void;
}

export interface Stack {
  readonly queuePrefix: string;
  readonly dataDir: string;
  readonly evm: EvmDevnet;
  readonly evm2: EvmDevnet | undefined;
  readonly solana: SolanaDevnet | undefined;
  /** USDC mint on the Solana devnet (6 decimals), when started with `solana`. */
  readonly solanaUsdc: PublicKey | undefined;
  readonly guardians: DevnetGuardians;
  readonly engine: EngineProcess;
  /** Oracle-role client (market data). */
  readonly oracle: XmarginClient;
  /** Relayer-role API key (what the relayer process posts with). */
  readonly relayerKey: string;
  /** A protocol-role client scoped to `protocol` (key created on first use). */
  protocol(protocol: string): Promise<XmarginClient>;
  /** Starts the relayer process (vault emitters of every EVM devnet, plus the given query targets). */
  startRelayer(opts?: StackRelayerOptions): Promise<RelayerProcess>;
  readonly relayer: RelayerProcess | undefined;
  stop(): Promise<void>;
}

/**
 * The whole system on loopback: EVM devnet(s) with the vault, optionally Solana, devnet guardians,
 * the engine as a child process (API + workers, PGlite, its own queue prefix on `redisUrl`), the
 * bootstrap configuration an operator does once (guardian trust store, emitters and tokens), and on
 * request the relayer as a child process. A failed start stops what was started.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const progress = opts.progress ?? (() => undefined);
  const suffix = randomBytes(4).toString('hex');
  const queuePrefix = `e2e-${opts.label}-${suffix}`;
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), `xmargin-${opts.label}-`));
  mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  let relayer: RelayerProcess | undefined;
  const stopAll = async () => {
    while (stops.length > 0)
      await stops
        .pop()?.()
        .catch(() => undefined);
  };
  stops.push(async () => {
    await deleteRedisPrefix(opts.redisUrl, queuePrefix);
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const bootEngine = (env?: Record<string, string>) => {
    progress('starting engine (API + workers, PGlite, BullMQ on Redis)');
    const started = startEngineProcess({
      redisUrl: opts.redisUrl,
      queuePrefix,
      pgliteDir: join(dataDir, 'db'),
      ...(opts.thresholds === undefined ? {} : { thresholds: opts.thresholds }),
      ...(opts.engineLogLevel === undefined ? {} : { logLevel: opts.engineLogLevel }),
      ...(opts.engineReadyTimeoutMs === undefined ? {} : { readyTimeoutMs: opts.engineReadyTimeoutMs }),
      ...(opts.onEngineLine === undefined ? {} : { onLine: opts.onEngineLine }),
      ...(env === undefined ? {} : { env }),
    });
    stops.push(async () => (await started.catch(() => undefined))?.stop());
    return started;
  };
  // The engine does not depend on the chains unless it settles: it boots (the slowest part) while the
  // devnets start.
  let engineStart = opts.settlement ? undefined : bootEngine();
  try {
    progress('starting EVM devnet (ganache, chain 1337, vault + core bridge + tokens)');
    const evm = await startEvmDevnet();
    stops.push(() => evm.stop());
    let evm2: EvmDevnet | undefined;
    if (opts.secondEvm) {
      progress('starting second EVM devnet (chain 1338)');
      evm2 = await startEvmDevnet({ chainId: 1338 });
      const started = evm2;
      stops.push(() => started.stop());
    }
    let solana: SolanaDevnet | undefined;
    let solanaUsdc: PublicKey | undefined;
    if (opts.solana) {
      progress('starting Solana devnet (LiteSVM JSON-RPC, SPL Token)');
      solana = await startSolanaDevnet();
      const started = solana;
      stops.push(() => started.stop());
      solanaUsdc = await solana.createMint(6);
    }
    progress('starting devnet guardians (19 keys, signing vault messages and Queries)');
    const evmChains: GuardianEvmChain[] = [evm, ...(evm2 ? [evm2] : [])].map((d) => ({
      rpcUrl: d.rpcUrl,
      wormholeChainId: WORMHOLE_CHAIN[d.chainName as 'evm-devnet' | 'evm-devnet-2'],
      coreBridge: d.contracts.coreBridge,
      emitters: [d.contracts.vault],
    }));
    const guardians = await startDevnetGuardians({
      evmChains,
      ...(solana ? { solanaRpcUrl: solana.rpcUrl } : {}),
      pollIntervalMs: 100,
    });
    stops.push(() => guardians.stop());

    engineStart ??= bootEngine({
      SETTLEMENT_PRIVATE_KEY: DEVNET_SETTLEMENT_PRIVATE_KEY,
      INDEX_EVERY_MS: '1000',
      INDEX_NETWORKS: JSON.stringify(
        [evm, ...(evm2 ? [evm2] : [])].map((d) => ({
          chain: d.chainName,
          rpcUrl: d.rpcUrl,
          vaults: [{ address: d.contracts.vault, startBlock: d.contracts.vaultDeployBlock.toString() }],
          tokens: Object.fromEntries(
            d.contracts.tokens.map((t) => [t.address, { asset: t.symbol, decimals: t.decimals }]),
          ),
        })),
      ),
    });
    const engine = await engineStart;
    progress(`engine ready at ${engine.url}`);

    progress('configuring engine: guardian trust store, vault emitters, token registry, API keys');
    await engine.admin.admin.setTrustStore(trustStoreToJson(devnetTrustStore()));
    const evms = [evm, ...(evm2 ? [evm2] : [])];
    await engine.admin.admin.setAttestationRegistry({
      emitters: evms.map((d) => ({
        kind: 'collateral' as const,
        emitterChain: WORMHOLE_CHAIN[d.chainName as 'evm-devnet' | 'evm-devnet-2'],
        emitterAddress: d.contracts.vault,
        chain: d.chainName,
      })),
      tokens: [
        ...evms.flatMap((d) =>
          d.contracts.tokens.map((t) => ({
            chain: d.chainName,
            token: t.address,
            asset: t.symbol,
            decimals: t.decimals,
          })),
        ),
        ...(solanaUsdc
          ? [{ chain: 'solana-devnet', token: solanaUsdc.toBase58(), asset: 'USDC', decimals: 6 }]
          : []),
      ],
    });
    const [relayerKey, oracleKey] = await Promise.all([
      engine.createKey('relayer'),
      engine.createKey('oracle'),
    ]);
    const protocols = new Map<string, Promise<XmarginClient>>();

    return {
      queuePrefix,
      dataDir,
      evm,
      evm2,
      solana,
      solanaUsdc,
      guardians,
      engine,
      oracle: engine.client(oracleKey),
      relayerKey,
      protocol(protocol) {
        let client = protocols.get(protocol);
        if (!client) {
          client = engine.createKey('protocol', protocol).then((key) => engine.client(key));
          protocols.set(protocol, client);
        }
        return client;
      },
      async startRelayer(relayerOpts = {}) {
        if (relayer) throw new Error('the relayer is already running');
        progress('starting relayer (guardian VAAs and Queries -> engine)');
        relayer = await startRelayerProcess({
          engineUrl: engine.url,
          apiKey: relayerKey,
          guardianUrl: guardians.url,
          emitters: evms.map((d) => ({
            chain: WORMHOLE_CHAIN[d.chainName as 'evm-devnet' | 'evm-devnet-2'],
            emitter: d.contracts.vault,
          })),
          ...(relayerOpts.queries === undefined ? {} : { queries: relayerOpts.queries }),
          cursorFile: join(dataDir, 'relayer-cursors.json'),
          ...(relayerOpts.onEvent === undefined ? {} : { onEvent: relayerOpts.onEvent }),
        });
        const started = relayer;
        // Stopped before the engine (pushed later, popped first).
        stops.push(() => started.stop());
        return started;
      },
      get relayer() {
        return relayer;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
