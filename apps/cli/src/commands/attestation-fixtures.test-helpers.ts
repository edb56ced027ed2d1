import { readFileSync } from 'node:fs';

/** Reads from the repo's sibling shared/fixtures (as CI lays it out). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../../../../shared/fixtures/${name}`, import.meta.url), 'utf8');
}

export const SET3 = (): string[] =>
  fixture('mainnet-guardian-set-3.txt')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export const UPGRADE_HEX = (): string => fixture('mainnet-vaa-guardian-set-upgrade-3-to-4.hex').trim();

export const set3StoreJson = (): string =>
  JSON.stringify({ network: 'mainnet', current: 3, sets: [{ index: 3, keys: SET3(), expiresAt: null }] });

export const UPGRADE_0_TO_1_HEX = (): string => fixture('mainnet-vaa-guardian-set-upgrade-0-to-1.hex').trim();
