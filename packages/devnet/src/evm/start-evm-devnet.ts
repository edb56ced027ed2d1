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
import { privateKeyToAddress } from 'viem/accounts';
import {
  type DeployedContracts,
  type DevnetToken,
  type DevnetTokenSpec,
  deployDevnetContracts,
} from './deploy.js';
import { startGanacheNode } from './ganache-node.js';
import { sendAndConfirm } from './send.js';
import { DEVNET_FORCED_WITHDRAWAL_DELAY, DEVNET_SETTLEMENT_PRIVATE_KEY } from './settlement-key.js';
import {
  createVaultAuthoriser,
  type SignAuthorisationParameters,
  type SignedAuthorisation,
} from './vault-authorisations.js';

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
  /** Key whose address the vault trusts to sign withdrawals and seizures (default: the devnet key). */
  readonly settlementPrivateKey?: Hex;
  /** Vault `forcedWithdrawalDelay` in seconds (default 7 days). */
  readonly forcedWithdrawalDelay?: bigint;
}

/** A Withdrawal or Seize to sign; nonce and deadline default to a fresh devnet nonce and one hour. */
export type DevnetAuthorisation = Omit<SignAuthorisationParameters, 'token' | 'to' | 'nonce' | 'deadline'> & {
  readonly token: DevnetTokenRef;
  readonly to?: Address;
  readonly nonce?: bigint;
  readonly deadline?: bigint;
};

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
  /** Address of the settlement key the vault trusts (its `signer`). */
  readonly settlementSigner: Address;
  /**
   * Withdraws as the engine would allow it: signs a Withdrawal with the settlement key (a devnet nonce,
   * see `signWithdrawal`) and submits it from `from`, the account.
   */
  withdraw(p: { from: Address; token: DevnetTokenRef; amount: bigint; to?: Address }): Promise<DevnetTx>;
  /**
   * Signs a Withdrawal with `key` (default: the settlement key). Nonces the devnet picks are drawn from
   * 2^255 upwards, so they never collide with the engine's (small, counted from 1).
   */
  signWithdrawal(p: DevnetAuthorisation, key?: Hex): Promise<SignedAuthorisation>;
  signSeize(p: DevnetAuthorisation, key?: Hex): Promise<SignedAuthorisation>;
  /** Submits a signed Withdrawal from any funded account. */
  submitWithdrawal(p: { from: Address } & SignedAuthorisation): Promise<DevnetTx>;
  submitSeize(p: { from: Address } & SignedAuthorisation): Promise<DevnetTx>;
  requestForcedWithdrawal(p: { from: Address; token: DevnetTokenRef; amount: bigint }): Promise<DevnetTx>;
  executeForcedWithdrawal(p: { from: Address; token: DevnetTokenRef; to?: Address }): Promise<DevnetTx>;
  /** Rotates the vault's signer (as the owner, the deployer). */
  setSigner(signer: Address): Promise<DevnetTx>;
  /** Moves the node's clock forward (`evm_increaseTime`) and mines a block at the new time. */
  increaseTime(seconds: number): Promise<void>;
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
  const settlementKey = opts.settlementPrivateKey ?? DEVNET_SETTLEMENT_PRIVATE_KEY;
  const settlementSigner = privateKeyToAddress(settlementKey);
  const contracts = await deployDevnetContracts(
    { chain: chainName, publicClient: bootstrapClient, walletClient, deployer },
    opts.tokens ?? defaultDevnetTokens,
    opts.messageFee ?? 0n,
    {
      signer: settlementSigner,
      forcedWithdrawalDelay: opts.forcedWithdrawalDelay ?? DEVNET_FORCED_WITHDRAWAL_DELAY,
    },
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

  const authoriser = createVaultAuthoriser({ chainId, vault: contracts.vault });
  let devnetNonce = 2n ** 255n;
  const toParameters = async (a: DevnetAuthorisation): Promise<SignAuthorisationParameters> => {
    const latest = await publicClient.getBlock({ blockTag: 'latest' });
    return {
      account: a.account,
      token: token(a.token).address,
      amount: a.amount,
      to: a.to ?? a.account,
      nonce: a.nonce ?? devnetNonce++,
      deadline: a.deadline ?? latest.timestamp + 3600n,
    };
  };
  const vault = (from: Address) => write(from, contracts.vault, collateralVaultAbi);
  const signWithdrawal = async (a: DevnetAuthorisation, key: Hex = settlementKey) =>
    authoriser.signWithdrawal(key, await toParameters(a));
  const submitWithdrawal = ({ from, message, signature }: { from: Address } & SignedAuthorisation) =>
    vault(from)('withdraw', [message, signature], fee);

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
    settlementSigner,
    async withdraw({ from, token: t, amount, to }) {
      const signed = await signWithdrawal({ account: from, token: t, amount, ...(to ? { to } : {}) });
      return submitWithdrawal({ from, ...signed });
    },
    signWithdrawal,
    signSeize: async (a, key = settlementKey) => authoriser.signSeize(key, await toParameters(a)),
    submitWithdrawal,
    submitSeize: ({ from, message, signature }) => vault(from)('seize', [message, signature], fee),
    requestForcedWithdrawal: ({ from, token: t, amount }) =>
      vault(from)('requestForcedWithdrawal', [token(t).address, amount]),
    executeForcedWithdrawal: ({ from, token: t, to }) =>
      vault(from)('executeForcedWithdrawal', [token(t).address, to ?? from], fee),
    setSigner: (signer) => vault(deployer)('setSigner', [signer]),
    async increaseTime(seconds) {
      await testClient.increaseTime({ seconds });
      await testClient.mine({ blocks: 1 });
    },
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
