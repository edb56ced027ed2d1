import { collateralVaultAbi, testTokenAbi } from '@xmargin/contracts';
import { AppError } from '@xmargin/errors';
import {
  type Abi,
  type Address,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  type Hash,
  type Hex,
  http,
  type PublicClient,
  type TestClient,
  type WalletClient,
} from 'viem';
import {
  type DeployedContracts,
  type DevnetToken,
  type DevnetTokenSpec,
  deployDevnetContracts,
} from './deploy.js';
import { startGanacheNode } from './ganache-node.js';
import { sendAndConfirm } from './send.js';

export interface EvmDevnetOptions {
  /** EIP-155 chain id; 1337 is `evm-devnet` in the chain registry, 1338 `evm-devnet-2`. */
  readonly chainId?: number;
  /** Registry name reported in errors; defaults from the chain id. */
  readonly chainName?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly accounts?: number;
  readonly tokens?: readonly DevnetTokenSpec[];
  /** Core bridge message fee in wei, paid by every vault call (default 0). */
  readonly messageFee?: bigint;
  readonly blockGasLimit?: bigint;
}

/** Where a devnet transaction landed. */
export interface DevnetTx {
  readonly hash: Hash;
  readonly blockNumber: bigint;
  readonly blockHash: Hash;
}

/** A token by symbol (as deployed, e.g. `USDC`) or by address. */
export type DevnetTokenRef = string;

export interface EvmDevnet {
  readonly chainName: string;
  readonly chainId: number;
  readonly rpcUrl: string;
  /** viem chain with the deployed Multicall3, so `multicall` works against this node. */
  readonly chain: Chain;
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient;
  readonly testClient: TestClient;
  /** Funded, node-unlocked accounts (deterministic). The first is the deployer and token minter. */
  readonly accounts: readonly Address[];
  readonly deployer: Address;
  readonly contracts: DeployedContracts;
  token(ref: DevnetTokenRef): DevnetToken;
  mint(p: { token: DevnetTokenRef; to: Address; amount: bigint }): Promise<DevnetTx>;
  /** Approves the vault and deposits: the Deposit event and the collateral message are in the second tx. */
  deposit(p: { from: Address; token: DevnetTokenRef; amount: bigint }): Promise<DevnetTx>;
  withdraw(p: { from: Address; token: DevnetTokenRef; amount: bigint; to?: Address }): Promise<DevnetTx>;
  transfer(p: { from: Address; token: DevnetTokenRef; to: Address; amount: bigint }): Promise<DevnetTx>;
  publishSnapshot(p: { account: Address; token: DevnetTokenRef; from?: Address }): Promise<DevnetTx>;
  tokenBalance(token: DevnetTokenRef, holder: Address): Promise<bigint>;
  vaultBalance(account: Address, token: DevnetTokenRef): Promise<bigint>;
  /** `evm_snapshot`: an id to `revert` to. */
  snapshot(): Promise<Hex>;
  /** `evm_revert`: drops every block after the snapshot (the id is consumed, as in ganache). */
  revert(id: Hex): Promise<void>;
  /** Mines `blocks` empty blocks (default 1). */
  mine(blocks?: number): Promise<void>;
  blockNumber(): Promise<bigint>;
  stop(): Promise<void>;
}

export const defaultDevnetTokens: readonly DevnetTokenSpec[] = [
  { symbol: 'USDC', name: 'USD Coin (devnet)', decimals: 6 },
  { symbol: 'WETH', name: 'Wrapped Ether (devnet)', decimals: 18 },
];

const registryName = (chainId: number): string =>
  chainId === 1337 ? 'evm-devnet' : chainId === 1338 ? 'evm-devnet-2' : `evm-${chainId}`;

/**
 * Starts a ganache node on 127.0.0.1 with the xmargin contracts deployed (core bridge, Multicall3, test
 * tokens, CollateralVault with the tokens allow-listed) and returns clients plus transaction helpers.
 */
export async function startEvmDevnet(opts: EvmDevnetOptions = {}): Promise<EvmDevnet> {
  const chainId = opts.chainId ?? 1337;
  const chainName = opts.chainName ?? registryName(chainId);
  const node = await startGanacheNode({
    chainId,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    ...(opts.accounts === undefined ? {} : { accounts: opts.accounts }),
    ...(opts.blockGasLimit === undefined ? {} : { blockGasLimit: opts.blockGasLimit }),
  });
  try {
    return await setUp(node, chainId, chainName, opts);
  } catch (err) {
    await node.close();
    throw err;
  }
}

async function setUp(
  node: { rpcUrl: string; close(): Promise<void> },
  chainId: number,
  chainName: string,
  opts: EvmDevnetOptions,
): Promise<EvmDevnet> {
  const transport = http(node.rpcUrl, { batch: { batchSize: 200, wait: 0 } });
  const bootstrapChain = defineChain({
    id: chainId,
    name: chainName,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [node.rpcUrl] } },
  });
  const bootstrapClient = createPublicClient({ chain: bootstrapChain, transport, pollingInterval: 20 });
  const walletClient = createWalletClient({ chain: bootstrapChain, transport, pollingInterval: 20 });
  const accounts = await walletClient.getAddresses();
  const deployer = accounts[0];
  if (!deployer) throw new Error('ganache returned no accounts');
  const contracts = await deployDevnetContracts(
    { chain: chainName, publicClient: bootstrapClient, walletClient, deployer },
    opts.tokens ?? defaultDevnetTokens,
    opts.messageFee ?? 0n,
  );
  const chain = defineChain({
    ...bootstrapChain,
    contracts: { multicall3: { address: contracts.multicall3 } },
  });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 20 }) as PublicClient;
  const testClient = createTestClient({ chain, mode: 'ganache', transport }) as TestClient;
  const fee = opts.messageFee ?? 0n;

  const token = (ref: DevnetTokenRef): DevnetToken => {
    const found = contracts.tokens.find(
      (t) => t.symbol === ref || t.address.toLowerCase() === ref.toLowerCase(),
    );
    if (!found) {
      throw new AppError('CHAIN__INVALID_CONFIG', {
        context: { chain: chainName, reason: `no devnet token ${ref}` },
      });
    }
    return found;
  };
  const confirm = async (send: () => Promise<Hash>): Promise<DevnetTx> => {
    const r = await sendAndConfirm(chainName, publicClient, send);
    return { hash: r.transactionHash, blockNumber: r.blockNumber, blockHash: r.blockHash };
  };
  // Calldata is encoded here rather than through writeContract, whose generics cannot narrow a
  // function name chosen at runtime; the node signs for its unlocked accounts.
  const write =
    (from: Address, to: Address, abi: Abi) =>
    (functionName: string, args: readonly unknown[], value?: bigint): Promise<DevnetTx> =>
      confirm(() =>
        walletClient.sendTransaction({
          account: from,
          to,
          data: encodeFunctionData({ abi, functionName, args }),
          chain: null,
          ...(value === undefined ? {} : { value }),
        }),
      );

  return {
    chainName,
    chainId,
    rpcUrl: node.rpcUrl,
    chain,
    publicClient,
    walletClient,
    testClient,
    accounts,
    deployer,
    contracts,
    token,
    mint: ({ token: t, to, amount }) => write(deployer, token(t).address, testTokenAbi)('mint', [to, amount]),
    async deposit({ from, token: t, amount }) {
      const address = token(t).address;
      await write(from, address, testTokenAbi)('approve', [contracts.vault, amount]);
      return write(from, contracts.vault, collateralVaultAbi)('deposit', [address, amount], fee);
    },
    withdraw: ({ from, token: t, amount, to }) =>
      write(from, contracts.vault, collateralVaultAbi)(
        'withdraw',
        [token(t).address, amount, to ?? from],
        fee,
      ),
    transfer: ({ from, token: t, to, amount }) =>
      write(from, token(t).address, testTokenAbi)('transfer', [to, amount]),
    publishSnapshot: ({ account, token: t, from }) =>
      write(from ?? account, contracts.vault, collateralVaultAbi)(
        'publishSnapshot',
        [account, token(t).address],
        fee,
      ),
    tokenBalance: (t, holder) =>
      publicClient.readContract({
        address: token(t).address,
        abi: testTokenAbi,
        functionName: 'balanceOf',
        args: [holder],
      }),
    vaultBalance: (account, t) =>
      publicClient.readContract({
        address: contracts.vault,
        abi: collateralVaultAbi,
        functionName: 'balanceOf',
        args: [account, token(t).address],
      }),
    snapshot: () => testClient.snapshot(),
    async revert(id) {
      await testClient.revert({ id });
    },
    async mine(blocks = 1) {
      await testClient.mine({ blocks });
    },
    blockNumber: () => publicClient.getBlockNumber({ cacheTime: 0 }),
    stop: () => node.close(),
  };
}
