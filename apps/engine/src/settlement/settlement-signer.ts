import {
  type AuthorisationMessage,
  type MarginStatementMessage,
  marginStatementTypes,
  seizeTypes,
  withdrawalTypes,
  xmarginDomain,
} from '@xmargin/contracts';
import { AppError } from '@xmargin/errors';
import { type Address, createPublicClient, getAddress, type Hex, http } from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import type { EvmNetwork, SettlementSettings } from './settlement-settings.js';

export interface SettlementVault {
  readonly chain: string;
  readonly chainId: number;
  readonly vault: Address;
  /** Token address (checksummed) of an asset on this chain, with its decimals. */
  token(asset: string): { address: Address; decimals: number } | undefined;
}

export interface SettlementSigner {
  readonly address: Address;
  vault(chain: string): Promise<SettlementVault>;
  signWithdrawal(vault: SettlementVault, message: AuthorisationMessage): Promise<Hex>;
  /** A vault `Seize` (liquidation settlement): same fields as a Withdrawal, its own type hash. */
  signSeize(vault: SettlementVault, message: AuthorisationMessage): Promise<Hex>;
  signStatement(
    domain: { chainId: number; verifyingContract: Address },
    message: MarginStatementMessage,
  ): Promise<Hex>;
}

function notConfigured(reason: string): AppError {
  return new AppError('SETTLEMENT__NOT_CONFIGURED', { context: { reason } });
}

/**
 * The engine's settlement key and the vaults it signs for. The EIP-712 chain id of a network is read once
 * from its RPC (the env names networks, not chain ids), so a signature always matches the chain it is for.
 */
export function createSettlementSigner(settings: SettlementSettings): SettlementSigner {
  if (!settings.privateKey) throw notConfigured('SETTLEMENT_PRIVATE_KEY is not set');
  const account: PrivateKeyAccount = privateKeyToAccount(settings.privateKey);
  const vaults = new Map<string, Promise<SettlementVault>>();

  async function load(n: EvmNetwork): Promise<SettlementVault> {
    const first = n.vaults[0];
    if (!first) throw notConfigured(`network ${n.chain} has no vault`);
    const chainId = await createPublicClient({ transport: http(n.rpcUrl) }).getChainId();
    const tokens = new Map(
      Object.entries(n.tokens).map(([address, t]) => [
        t.asset,
        { address: getAddress(address), decimals: t.decimals },
      ]),
    );
    return { chain: n.chain, chainId, vault: getAddress(first.address), token: (asset) => tokens.get(asset) };
  }

  return {
    address: account.address,
    vault(chain) {
      const n = settings.networks.find((x) => x.chain === chain);
      if (!n) return Promise.reject(notConfigured(`no EVM vault is configured for chain ${chain}`));
      let v = vaults.get(chain);
      if (!v) {
        v = load(n);
        // A failed RPC read is retried on the next request instead of being cached.
        v.catch(() => vaults.delete(chain));
        vaults.set(chain, v);
      }
      return v;
    },
    signWithdrawal: (vault, message) =>
      account.signTypedData({
        domain: xmarginDomain(vault.chainId, vault.vault),
        types: withdrawalTypes,
        primaryType: 'Withdrawal',
        message,
      }),
    signSeize: (vault, message) =>
      account.signTypedData({
        domain: xmarginDomain(vault.chainId, vault.vault),
        types: seizeTypes,
        primaryType: 'Seize',
        message,
      }),
    signStatement: (domain, message) =>
      account.signTypedData({
        domain: xmarginDomain(domain.chainId, domain.verifyingContract),
        types: marginStatementTypes,
        primaryType: 'MarginStatement',
        message,
      }),
  };
}

export interface SettlementDeps {
  readonly settings: SettlementSettings;
  readonly signer: SettlementSigner;
}

const DEFAULT_SETTINGS: SettlementSettings = {
  privateKey: undefined,
  networks: [],
  authorisationTtlSeconds: 900,
  reservationGraceSeconds: 300,
  statementTtlSeconds: 60,
  stableDecimals: 6,
};
const byContext = new WeakMap<object, SettlementDeps>();

/**
 * The settlement key and settings of an engine, built once on first use (an engine without a key serves
 * everything else): throws SETTLEMENT__NOT_CONFIGURED without SETTLEMENT_PRIVATE_KEY.
 */
export function settlementOf(ctx: {
  readonly settings: { readonly settlement?: SettlementSettings | undefined };
}) {
  let deps = byContext.get(ctx.settings);
  if (!deps) {
    const settings = ctx.settings.settlement ?? DEFAULT_SETTINGS;
    deps = { settings, signer: createSettlementSigner(settings) };
    byContext.set(ctx.settings, deps);
  }
  return deps;
}
