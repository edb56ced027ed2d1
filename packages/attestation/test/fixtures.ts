import { readFileSync } from 'node:fs';

/** Reads a file from shared/fixtures (the repo's sibling `shared/` directory, as in CI). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../../../shared/fixtures/${name}`, import.meta.url), 'utf8');
}

export const mainnetSet3 = (): string[] =>
  fixture('mainnet-guardian-set-3.txt')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export const upgrade3to4Hex = (): string => fixture('mainnet-vaa-guardian-set-upgrade-3-to-4.hex').trim();

export const upgrade3to4 = (): Uint8Array => Uint8Array.from(Buffer.from(upgrade3to4Hex(), 'hex'));

/** The fixture VAA's own timestamp: 2024-04-16T15:30:00Z. */
export const UPGRADE_3_TO_4_TIME = 1713281400;
