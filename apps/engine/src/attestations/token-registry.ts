import { solanaAddress, solanaToUniversal, universalAddress } from '@xmargin/core';
import type { AttestationRegistry } from '@xmargin/schemas/http';

/** A registered token in universal form (EVM left-padded, Solana mint as 32-byte hex). */
export function tokenUniversal(token: string): string {
  return token.startsWith('0x') ? universalAddress(token) : solanaToUniversal(solanaAddress(token));
}

export function findToken(
  registry: AttestationRegistry,
  chain: string,
  token: string,
): { asset: string; decimals: number; universal: string } | undefined {
  let wanted: string;
  try {
    wanted = tokenUniversal(token);
  } catch {
    return undefined;
  }
  const entry = registry.tokens.find((t) => t.chain === chain && tokenUniversal(t.token) === wanted);
  return entry ? { asset: entry.asset, decimals: entry.decimals, universal: wanted } : undefined;
}
