import { Connection } from '@solana/web3.js';
import { AppError } from '@xmargin/errors';
import { createPublicClient, http, type PublicClient } from 'viem';
import { createGuardianSigner } from './guardian-signer.js';
import { startGuardianHttpServer } from './http-server.js';
import { type QueryEvmTarget, type QuerySolanaTarget, respondToQuery } from './query/respond-to-query.js';
import type { DevnetGuardians, GuardianEvmChain, StartDevnetGuardiansOptions } from './types.js';
import { vaaKey } from './vaa-key.js';
import { VaaStore } from './vaa-store.js';
import { createEvmMessageWatcher, type EvmMessageWatcher } from './watch-evm-messages.js';

const DEFAULT_POLL_INTERVAL_MS = 100;
const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

function evmChainsOf(options: StartDevnetGuardiansOptions): GuardianEvmChain[] {
  const chains = [...(options.evmChains ?? [])];
  if (options.evmRpcUrl !== undefined) {
    chains.unshift({
      rpcUrl: options.evmRpcUrl,
      wormholeChainId: options.wormholeChainId ?? 2,
      ...(options.coreBridge === undefined ? {} : { coreBridge: options.coreBridge }),
    });
  }
  const seen = new Set<number>();
  for (const c of chains) {
    if (seen.has(c.wormholeChainId)) {
      throw new AppError('CONFIG__INVALID', {
        shortMessage: `Two devnet EVM chains use Wormhole chain id ${c.wormholeChainId}`,
        context: {
          issues: [{ path: 'evmChains', message: `duplicate wormholeChainId ${c.wormholeChainId}` }],
        },
      });
    }
    seen.add(c.wormholeChainId);
  }
  return chains;
}

/**
 * Starts the devnet guardians: they watch `LogMessagePublished` on every configured EVM chain, sign a
 * VAA for each message once its block is final, serve VAAs over the public guardian API shape, and
 * answer signed Queries (`eth_call_with_finality`, `sol_account`). `stop()` ends all of it.
 */
export async function startDevnetGuardians(
  options: StartDevnetGuardiansOptions = {},
): Promise<DevnetGuardians> {
  const chains = evmChainsOf(options);
  const signer = createGuardianSigner({
    ...(options.keys === undefined ? {} : { keys: options.keys }),
    ...(options.guardianSetIndex === undefined ? {} : { guardianSetIndex: options.guardianSetIndex }),
    ...(options.signerIndices === undefined ? {} : { signerIndices: options.signerIndices }),
    emitterChains: chains.map((c) => c.wormholeChainId),
  });
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;

  const evmTargets = new Map<number, QueryEvmTarget>();
  const watchers: EvmMessageWatcher[] = [];
  for (const chain of chains) {
    const client = createPublicClient({ transport: http(chain.rpcUrl, { retryCount: 0 }) }) as PublicClient;
    evmTargets.set(chain.wormholeChainId, {
      client,
      rpcUrl: chain.rpcUrl,
      finalityDepth: chain.finalityDepth ?? 0,
    });
    watchers.push(
      createEvmMessageWatcher({
        client,
        rpcUrl: chain.rpcUrl,
        wormholeChainId: chain.wormholeChainId,
        ...(chain.coreBridge === undefined ? {} : { coreBridge: chain.coreBridge }),
        ...(chain.emitters === undefined ? {} : { emitters: chain.emitters }),
        ...(chain.fromBlock === undefined ? {} : { fromBlock: chain.fromBlock }),
        ...(chain.finalityDepth === undefined ? {} : { finalityDepth: chain.finalityDepth }),
      }),
    );
  }
  const solanaTargets = new Map<number, QuerySolanaTarget>();
  if (options.solanaRpcUrl !== undefined) {
    solanaTargets.set(options.solanaWormholeChainId ?? 1, {
      // No keep-alive agent: its idle sockets would outlive stop().
      connection: new Connection(options.solanaRpcUrl, { commitment: 'finalized', httpAgent: false }),
      rpcUrl: options.solanaRpcUrl,
    });
  }

  const store = new VaaStore();
  let observed = 0;
  let lastPollError: unknown;
  let stopped = false;

  // Polls are serialized: the timer and sync() share one chain of promises.
  let polling: Promise<void> = Promise.resolve();
  const pollAll = async (): Promise<void> => {
    let roundError: unknown;
    for (const watcher of watchers) {
      try {
        for (const message of await watcher.poll()) {
          store.put(
            vaaKey(message.emitterChain, message.emitterAddress, message.sequence),
            signer.signVaa(message),
          );
          observed += 1;
        }
      } catch (err) {
        // A node that is down or restarting must not stop the guardians: the next round retries.
        roundError = err;
      }
    }
    lastPollError = roundError;
  };
  const tick = (): Promise<void> => {
    polling = polling.then(pollAll);
    return polling;
  };
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void tick().then(schedule);
    }, pollIntervalMs);
  };

  const server = await startGuardianHttpServer(
    {
      getVaa: (chain, emitter, sequence) => store.get(vaaKey(chain, emitter, sequence)),
      query: (request, requestSignature) =>
        respondToQuery({
          request,
          ...(requestSignature === undefined ? {} : { requestSignature }),
          evm: evmTargets,
          solana: solanaTargets,
          sign: (bytes) => signer.signQueryResponse(bytes),
        }),
      guardianSet: () => ({ index: signer.guardianSetIndex, addresses: signer.addresses }),
    },
    options.port,
  );
  schedule();

  return {
    url: server.url,
    get observedCount() {
      return observed;
    },
    get lastPollError() {
      return lastPollError;
    },
    getVaa: (chain, emitter, sequence) => store.get(vaaKey(chain, emitter, sequence)),
    async waitForVaa(chain, emitter, sequence, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      const key = vaaKey(chain, emitter, sequence);
      const wait = store.wait(
        key,
        timeoutMs,
        () =>
          new AppError('CHAIN__RPC_TIMEOUT', {
            shortMessage: `No VAA ${key} observed within ${timeoutMs} ms`,
            context: { chain: `wormhole:${chain}`, method: 'signed_vaa' },
            ...(lastPollError === undefined ? {} : { cause: lastPollError }),
          }),
      );
      if (!stopped) void tick();
      return wait;
    },
    sync: tick,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      store.close(
        new AppError('CHAIN__RPC_UNAVAILABLE', {
          shortMessage: 'The devnet guardians were stopped',
          context: { chain: 'wormhole-devnet', url: server.url },
        }),
      );
      await polling;
      await server.close();
    },
  };
}
