import { AppError } from '@xmargin/errors';
import ganache from 'ganache';

export interface GanacheNodeParameters {
  readonly chainId: number;
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  readonly port?: number;
  readonly accounts?: number;
  /** Ether per funded account. */
  readonly balanceEther?: number;
  readonly blockGasLimit?: bigint;
}

export interface GanacheNode {
  readonly rpcUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts ganache in-process with a real HTTP JSON-RPC server on loopback. Accounts come from ganache's
 * deterministic mnemonic, so deployment addresses are the same on every run; blocks are mined eagerly
 * (one per transaction) and `logging.quiet` keeps it off the console, which tests treat as a failure.
 */
export async function startGanacheNode(params: GanacheNodeParameters): Promise<GanacheNode> {
  const server = ganache.server({
    chain: { chainId: params.chainId, networkId: params.chainId, hardfork: 'shanghai' },
    logging: { quiet: true },
    wallet: {
      deterministic: true,
      totalAccounts: params.accounts ?? 10,
      defaultBalance: params.balanceEther ?? 1000,
    },
    miner: {
      instamine: 'eager',
      // Node-signed sends carry no gas limit from viem; ganache's fixed 90k default is too low to deploy.
      defaultTransactionGasLimit: 'estimate',
      blockGasLimit: `0x${(params.blockGasLimit ?? 60_000_000n).toString(16)}`,
    },
  });
  try {
    await server.listen(params.port ?? 0, '127.0.0.1');
  } catch (cause) {
    await server.close().catch(() => undefined);
    throw new AppError('CHAIN__RPC_UNAVAILABLE', {
      shortMessage: 'Could not start the ganache devnet node',
      context: { chain: `evm:${params.chainId}`, url: `http://127.0.0.1:${params.port ?? 0}` },
      cause,
    });
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (params.port ?? 0);
  let closed = false;
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    port,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}
