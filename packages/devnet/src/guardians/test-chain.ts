import {
  devnetCoreBridgeAbi,
  devnetCoreBridgeBytecode,
  testTokenAbi,
  testTokenBytecode,
} from '@xmargin/contracts';
import ganache from 'ganache';
import {
  type Abi,
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/**
 * A bare ganache chain with the devnet core bridge and one ERC-20, for the guardian tests only
 * (the full devnet lives in ../evm). Not exported from the package.
 */
export interface TestChain {
  readonly rpcUrl: string;
  readonly publicClient: PublicClient;
  readonly wallet: WalletClient;
  readonly account: Address;
  readonly coreBridge: Address;
  readonly token: Address;
  publish(payload: Hex, nonce?: number, consistencyLevel?: number): Promise<Hex>;
  stop(): Promise<void>;
}

const DEPLOYER_KEY: Hex = '0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d';

export async function startTestChain(): Promise<TestChain> {
  const server = ganache.server({
    logging: { quiet: true },
    chain: { chainId: 1337 },
    wallet: { accounts: [{ secretKey: DEPLOYER_KEY, balance: `0x${(10n ** 21n).toString(16)}` }] },
  });
  await server.listen(0, '127.0.0.1');
  const address = server.address();
  const rpcUrl = `http://127.0.0.1:${address.port}`;
  const account = privateKeyToAccount(DEPLOYER_KEY);
  const chain = {
    id: 1337,
    name: 'ganache',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  } as const;
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) }) as PublicClient;
  const wallet = createWalletClient({ chain, account, transport: http(rpcUrl) });

  async function deploy(abi: Abi, bytecode: Hex, args: readonly unknown[]): Promise<Address> {
    const hash = await wallet.deployContract({ abi, bytecode, args, account, chain });
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    if (!receipt.contractAddress) throw new Error('deployment failed');
    return receipt.contractAddress;
  }
  const coreBridge = await deploy(devnetCoreBridgeAbi as Abi, devnetCoreBridgeBytecode as Hex, [0n]);
  const token = await deploy(testTokenAbi as Abi, testTokenBytecode as Hex, ['USD Coin', 'USDC', 6]);

  return {
    rpcUrl,
    publicClient,
    wallet,
    account: account.address,
    coreBridge,
    token,
    async publish(payload, nonce = 0, consistencyLevel = 202) {
      const hash = await wallet.writeContract({
        address: coreBridge,
        abi: devnetCoreBridgeAbi,
        functionName: 'publishMessage',
        args: [nonce, payload, consistencyLevel],
        account,
        chain,
      });
      await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      return hash;
    },
    stop: () => server.close(),
  };
}
