import {
  bootstrapTrustStore,
  decodeBinaryInput,
  trustStoreToJson,
  type WormholeNetwork,
} from '@xmargin/attestation';
import { usageError } from '../args.js';
import type { Command } from '../io.js';
import { integerFlag, nowFlag, readInputFile, requireFlag, toJson } from './attestation-args.js';

const NAME = 'guardians';
const NETWORKS: readonly WormholeNetwork[] = ['mainnet', 'testnet', 'devnet'];

/**
 * Upgrade file: one VAA per line (hex or base64), or `name,vaa` CSV rows; blank lines and `#` comments are
 * skipped, and so is a CSV header whose last column is not a VAA.
 */
export function parseUpgradesFile(text: string): Uint8Array[] {
  const rows = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  return rows.flatMap((row, i) => {
    const cell = row.includes(',') ? row.slice(row.lastIndexOf(',') + 1).trim() : row;
    // A CSV header ("name,hex"): a VAA is at least 57 bytes, so a short alphabetic cell is a column name.
    if (i === 0 && row.includes(',') && /^[A-Za-z_ ]{1,32}$/.test(cell)) return [];
    return [decodeBinaryInput(cell, `upgrade VAA on row ${i + 1}`)];
  });
}

export const guardiansCommand: Command = {
  name: NAME,
  summary: 'bootstrap a guardian-set trust store from GuardianSetUpgrade VAAs',
  synopsis: [
    'guardians bootstrap --genesis 0xADDR[,0xADDR...] --upgrades FILE [--genesis-index N] ' +
      '[--network mainnet|testnet|devnet] [--ttl SECONDS] [--now UNIX]',
  ],
  description:
    'Verifies each GuardianSetUpgrade VAA of FILE against the set before it, starting from the pinned ' +
    'genesis set, and prints the trust store JSON. Progress goes to stderr on a terminal.',
  options: {
    genesis: {
      type: 'string',
      value: '0xADDR,...',
      description: 'guardian addresses of the pinned genesis set',
    },
    upgrades: {
      type: 'string',
      value: 'FILE',
      description: 'upgrade VAAs: one hex/base64 VAA per line, or name,vaa CSV rows (# comments)',
    },
    'genesis-index': { type: 'string', value: 'N', description: 'index of the genesis set (default 0)' },
    network: { type: 'string', value: 'NAME', description: 'mainnet (default), testnet or devnet' },
    ttl: { type: 'string', value: 'SECONDS', description: 'how long a replaced set stays valid' },
    now: { type: 'string', value: 'UNIX', description: 'the time to verify at (default: the clock)' },
  },
  async run({ values, positionals }, io) {
    const parsed = values;
    const [sub, ...extra] = positionals;
    if (sub !== 'bootstrap') throw usageError(NAME, 'expected the subcommand `bootstrap`');
    if (extra.length > 0) throw usageError(NAME, `unexpected argument ${extra[0]}`);
    const network = ((values.network as string | undefined) ?? 'mainnet') as WormholeNetwork;
    if (!NETWORKS.includes(network))
      throw usageError(NAME, `--network must be one of ${NETWORKS.join(', ')}`);
    const genesis = requireFlag(NAME, parsed, 'genesis')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (genesis.length === 0) throw usageError(NAME, '--genesis needs at least one address');
    const upgradesFile = requireFlag(NAME, parsed, 'upgrades');
    const upgrades = parseUpgradesFile(await readInputFile(io, upgradesFile));
    const ttl = integerFlag(NAME, parsed, 'ttl');
    const store = bootstrapTrustStore({
      network,
      genesis,
      genesisIndex: integerFlag(NAME, parsed, 'genesis-index') ?? 0,
      upgrades,
      now: nowFlag(NAME, parsed),
      ...(ttl === undefined ? {} : { previousSetTtlSeconds: ttl }),
    });
    if (io.interactive) {
      io.stderr(
        `verified ${upgrades.length} upgrade(s) from ${upgradesFile}: current set ${store.current}\n`,
      );
    }
    io.stdout(`${toJson(trustStoreToJson(store))}\n`);
    return 0;
  },
};
