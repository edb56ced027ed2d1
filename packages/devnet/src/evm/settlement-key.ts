import type { Hex } from 'viem';

/**
 * The devnet's engine settlement key: keccak256("xmargin devnet settlement key"), address
 * 0x5f07D6ff67e7276978626d4692Fc778f75C39A76. Devnet vaults are deployed with it as their signer, and the
 * engine uses it when `SETTLEMENT_PRIVATE_KEY` names it. Public by design: never fund it on a real chain.
 */
export const DEVNET_SETTLEMENT_PRIVATE_KEY: Hex =
  '0xf074298b5d3101227b0707dd784df399c538ffaa9c0a781711391c8d9a0ca825';

/** Default `forcedWithdrawalDelay` of devnet vaults: 7 days, as on a production deployment. */
export const DEVNET_FORCED_WITHDRAWAL_DELAY = 7n * 24n * 60n * 60n;
