import {
  collateralVaultAbi,
  collateralVaultBytecode,
  devnetCoreBridgeAbi,
  devnetCoreBridgeBytecode,
  multicall3Abi,
  multicall3Bytecode,
  testTokenAbi,
  testTokenBytecode,
} from '@xmargin/contracts';
import { type Abi, type Address, getAddress, type Hex, type PublicClient, type WalletClient } from 'viem';
import { sendAndConfirm } from './send.js';

export interface DevnetTokenSpec {
  readonly symbol: string;
  readonly name: string;
  readonly decimals: number;
}

export interface DevnetToken extends DevnetTokenSpec {
  readonly address: Address;
}

export interface DeployedContracts {
  readonly coreBridge: Address;
  readonly vault: Address;
  readonly multicall3: Address;
  readonly tokens: readonly DevnetToken[];
  /** Block in which the vault was deployed: where indexers start. */
  readonly vaultDeployBlock: bigint;
}

interface DeployContext {
  readonly chain: string;
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient;
  readonly deployer: Address;
}

async function deploy(
  ctx: DeployContext,
  abi: Abi,
  bytecode: Hex,
  args: readonly unknown[],
): Promise<{ address: Address; blockNumber: bigint }> {
  const receipt = await sendAndConfirm(ctx.chain, ctx.publicClient, () =>
    ctx.walletClient.deployContract({ abi, bytecode, args, account: ctx.deployer, chain: null }),
  );
  if (!receipt.contractAddress) throw new Error('deployment receipt has no contract address');
  return { address: getAddress(receipt.contractAddress), blockNumber: receipt.blockNumber };
}

/**
 * Deploys the devnet contract set from the deployer (always the same first account, so the addresses
 * are the same on every fresh node): core bridge, Multicall3, the test tokens, and the vault with every
 * token allow-listed, signed for by `vaultAuthority.signer` (the engine's settlement key).
 */
export async function deployDevnetContracts(
  ctx: DeployContext,
  tokens: readonly DevnetTokenSpec[],
  messageFee: bigint,
  vaultAuthority: { readonly signer: Address; readonly forcedWithdrawalDelay: bigint },
): Promise<DeployedContracts> {
  const coreBridge = await deploy(ctx, devnetCoreBridgeAbi, devnetCoreBridgeBytecode, [messageFee]);
  const multicall3 = await deploy(ctx, multicall3Abi, multicall3Bytecode, []);
  const deployed: DevnetToken[] = [];
  for (const t of tokens) {
    const { address } = await deploy(ctx, testTokenAbi, testTokenBytecode, [t.name, t.symbol, t.decimals]);
    deployed.push({ ...t, address });
  }
  const vault = await deploy(ctx, collateralVaultAbi, collateralVaultBytecode, [
    coreBridge.address,
    vaultAuthority.signer,
    vaultAuthority.forcedWithdrawalDelay,
  ]);
  for (const t of deployed) {
    await sendAndConfirm(ctx.chain, ctx.publicClient, () =>
      ctx.walletClient.writeContract({
        address: vault.address,
        abi: collateralVaultAbi,
        functionName: 'setTokenAllowed',
        args: [t.address, true],
        account: ctx.deployer,
        chain: null,
      }),
    );
  }
  return {
    coreBridge: coreBridge.address,
    vault: vault.address,
    multicall3: multicall3.address,
    tokens: deployed,
    vaultDeployBlock: vault.blockNumber,
  };
}
