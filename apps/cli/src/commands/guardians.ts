import {
  bootstrapTrustStore,
  decodeBinaryInput,
  trustStoreToJson,
  type WormholeNetwork,
} from '@xmargin/attestation';
import type { Command } from '../io.js';
import {
  integerFlag,
  nowFlag,
  parseArgs,
  readInputFile,
  requireFlag,
  toJson,
  usageError,
} from './attestation-args.js';

const NAME = 'guardians';
const USAGE =
  'xmargin guardians bootstrap --genesis 0xADDR[,0xADDR...] --upgrades FILE [--genesis-index N] ' +
  '[--network mainnet|testnet|devnet] [--ttl SECONDS] [--now UNIX]';
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
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(NAME, args, ['genesis', 'upgrades', 'genesis-index', 'network', 'ttl', 'now']);
    const [sub, ...extra] = parsed.positionals;
    if (sub !== 'bootstrap') throw usageError(NAME, 'expected the subcommand `bootstrap`');
    if (extra.length > 0) throw usageError(NAME, `unexpected argument ${extra[0]}`);
    const network = (parsed.flags.get('network') ?? 'mainnet') as WormholeNetwork;
    if (!NETWORKS.includes(network))
      throw usageError(NAME, `--network must be one of ${NETWORKS.join(', ')}`);
    const genesis = requireFlag(NAME, parsed, 'genesis')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (genesis.length === 0) throw usageError(NAME, '--genesis needs at least one address');
    const upgrades = parseUpgradesFile(await readInputFile(io, requireFlag(NAME, parsed, 'upgrades')));
    const ttl = integerFlag(NAME, parsed, 'ttl');
    const store = bootstrapTrustStore({
      network,
      genesis,
      genesisIndex: integerFlag(NAME, parsed, 'genesis-index') ?? 0,
      upgrades,
      now: nowFlag(NAME, parsed),
      ...(ttl === undefined ? {} : { previousSetTtlSeconds: ttl }),
    });
    io.stdout(`${toJson(trustStoreToJson(store))}\n`);
    return 0;
  },
};
