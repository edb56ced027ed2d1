import { demoExpiry, type SeedAccountSpec, type SeedPosition } from '../../test/src/harness/index.js';

/** Where the two demo protocols "live": the options venue on the EVM devnet, the perp venue on Solana. */
export const protocols: Record<string, string> = {
  optionsx: 'options venue (evm-devnet)',
  perpx: 'perp venue (solana-devnet)',
};

type DemoPosition = SeedPosition['position'];

export interface DemoAccount extends Omit<SeedAccountSpec, 'evmAddress'> {
  readonly label: string;
  readonly positions: readonly SeedPosition[];
}

/**
 * The seeded book: hedged and unhedged option/perp books reported by two protocols, collateral spread
 * over two EVM devnets and Solana. Sizes are chosen so that the market shock pushes some accounts
 * through maintenance and leaves the hedged ones standing.
 */
export function demoBook(nowSeconds: number): DemoAccount[] {
  const expiry = demoExpiry(nowSeconds);
  const call = (id: string, underlying: string, strike: number, quantity: number): DemoPosition => ({
    id,
    type: 'option',
    underlying,
    expiry,
    strike,
    right: 'call',
    quantity,
  });
  const put = (id: string, underlying: string, strike: number, quantity: number): DemoPosition => ({
    id,
    type: 'option',
    underlying,
    expiry,
    strike,
    right: 'put',
    quantity,
  });
  const perp = (id: string, underlying: string, quantity: number, entryPrice: number): DemoPosition => ({
    id,
    type: 'perp',
    underlying,
    quantity,
    entryPrice,
  });
  return [
    {
      id: 'acc_alpha',
      label: 'long ETH calls (EVM) delta-hedged with a short perp (Solana)',
      vault: [{ chain: 'evm-devnet', token: 'USDC', amount: 30_000 }],
      solanaUsdc: 10_000,
      positions: [
        { protocol: 'optionsx', position: call('alpha-c3000', 'ETH', 3_000, 20) },
        { protocol: 'perpx', position: perp('alpha-perp', 'ETH', -10, 3_000) },
      ],
    },
    {
      id: 'acc_bravo',
      label: 'short ETH strangle on WETH collateral',
      vault: [{ chain: 'evm-devnet-2', token: 'WETH', amount: 12 }],
      solanaUsdc: 0,
      positions: [
        { protocol: 'optionsx', position: call('bravo-c3600', 'ETH', 3_600, -10) },
        { protocol: 'optionsx', position: put('bravo-p2500', 'ETH', 2_500, -10) },
      ],
    },
    {
      id: 'acc_charlie',
      label: 'leveraged long ETH perp',
      vault: [{ chain: 'evm-devnet', token: 'USDC', amount: 14_000 }],
      solanaUsdc: 0,
      positions: [{ protocol: 'perpx', position: perp('charlie-perp', 'ETH', 12, 3_000) }],
    },
    {
      id: 'acc_delta',
      label: 'short SOL puts, part-hedged with a short SOL perp',
      vault: [],
      solanaUsdc: 9_000,
      positions: [
        { protocol: 'optionsx', position: put('delta-p140', 'SOL', 140, -300) },
        { protocol: 'perpx', position: perp('delta-perp', 'SOL', -100, 150) },
      ],
    },
    {
      id: 'acc_echo',
      label: 'covered calls: long ETH perp, short ETH calls',
      vault: [
        { chain: 'evm-devnet', token: 'USDC', amount: 15_000 },
        { chain: 'evm-devnet-2', token: 'USDC', amount: 5_000 },
      ],
      solanaUsdc: 5_000,
      positions: [
        { protocol: 'perpx', position: perp('echo-perp', 'ETH', 10, 3_000) },
        { protocol: 'optionsx', position: call('echo-c3300', 'ETH', 3_300, -10) },
      ],
    },
  ];
}
