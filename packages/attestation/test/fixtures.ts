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

export const upgrade0to1 = (): Uint8Array =>
  Uint8Array.from(Buffer.from(fixture('mainnet-vaa-guardian-set-upgrade-0-to-1.hex').trim(), 'hex'));

/** Mainnet guardian set 0, the pinned genesis of the mainnet chain of upgrades. */
export const MAINNET_SET_0 = ['0x58cc3ae5c097b213ce3c81979e1b9f9570746aa5'] as const;
