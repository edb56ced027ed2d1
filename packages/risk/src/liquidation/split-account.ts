import type { Account, CollateralBalance, Position } from '../types.js';

export interface SplitAccountReturnType {
  /** What stays with the account: (1 − p) of every position and balance, cash less the share taken. */
  kept: Account;
  /** What the bidder takes: p of every position (quantity and funding; entry price kept), p of every
   * collateral balance on every chain, and (C − R)·p of cash. */
  taken: Account;
}

// kept = x − x·p rather than x·(1 − p), so kept + taken reproduces x to the last bit where it can.
function scalePosition(position: Position, p: number): { kept: Position; taken: Position } {
  const taken = position.quantity * p;
  if (position.type === 'perp' && position.funding !== undefined) {
    const funding = position.funding * p;
    return {
      kept: { ...position, quantity: position.quantity - taken, funding: position.funding - funding },
      taken: { ...position, quantity: taken, funding },
    };
  }
  return {
    kept: { ...position, quantity: position.quantity - taken },
    taken: { ...position, quantity: taken },
  };
}

function scaleBalance(
  b: CollateralBalance,
  p: number,
): { kept: CollateralBalance; taken: CollateralBalance } {
  const taken = b.amount * p;
  return { kept: { ...b, amount: b.amount - taken }, taken: { ...b, amount: taken } };
}

/** Splits share `p` of an account off for a bidder (spec section 4); reserved cash R stays. */
export function splitAccount(account: Account, p: number, reservedCash: number): SplitAccountReturnType {
  const positions = (account.positions ?? []).map((x) => scalePosition(x, p));
  const collateral = (account.collateral ?? []).map((x) => scaleBalance(x, p));
  const cash = account.cash ?? 0;
  const cashTaken = (cash - reservedCash) * p;
  return {
    kept: {
      cash: cash - cashTaken,
      collateral: collateral.map((x) => x.kept),
      positions: positions.map((x) => x.kept),
    },
    taken: {
      cash: cashTaken,
      collateral: collateral.map((x) => x.taken),
      positions: positions.map((x) => x.taken),
    },
  };
}
