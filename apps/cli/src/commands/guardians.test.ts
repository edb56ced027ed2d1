import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { memoryIo } from '../memory-io.js';
import { SET3, set3StoreJson, UPGRADE_0_TO_1_HEX, UPGRADE_HEX } from './attestation-fixtures.test-helpers.js';
import { parseUpgradesFile } from './guardians.js';

const genesis = () => SET3().join(',');

describe('xmargin guardians bootstrap', () => {
  it('bootstraps set 4 from pinned set 3 with the real mainnet upgrade', async () => {
    const io = memoryIo({ 'up.txt': `${UPGRADE_HEX()}\n` });
    const code = await runCli(
      [
        'guardians',
        'bootstrap',
        '--genesis',
        genesis(),
        '--genesis-index',
        '3',
        '--upgrades',
        'up.txt',
        '--now',
        '1800000000',
      ],
      io,
    );
    expect(code).toBe(0);
    const store = JSON.parse(io.out);
    expect(store.network).toBe('mainnet');
    expect(store.current).toBe(4);
    expect(
      store.sets.map((s: { index: number; expiresAt: number | null }) => [s.index, s.expiresAt]),
    ).toEqual([
      [3, 1800086400],
      [4, null],
    ]);
    expect(store.sets[1].keys).toHaveLength(19);
  });

  it('bootstraps mainnet from set 0 with the real 0 -> 1 upgrade (governance: no finality rule)', async () => {
    const io = memoryIo({ 'up.txt': `${UPGRADE_0_TO_1_HEX()}\n` });
    const code = await runCli(
      [
        'guardians',
        'bootstrap',
        '--genesis',
        '0x58cc3ae5c097b213ce3c81979e1b9f9570746aa5',
        '--upgrades',
        'up.txt',
        '--now',
        '1800000000',
      ],
      io,
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const store = JSON.parse(io.out);
    expect(store.current).toBe(1);
    expect(store.sets[1].keys).toHaveLength(19);
  });

  it('reads name,hex CSV rows with a header, and honours --ttl', async () => {
    const io = memoryIo({ 'up.csv': `name,hex\nset4,0x${UPGRADE_HEX()}\n` });
    const args = [
      'guardians',
      'bootstrap',
      '--genesis',
      genesis(),
      '--genesis-index',
      '3',
      '--upgrades',
      'up.csv',
    ];
    expect(await runCli([...args, '--now', '100', '--ttl', '60'], io)).toBe(0);
    expect(JSON.parse(io.out).sets[0].expiresAt).toBe(160);
    expect(parseUpgradesFile('# comment\n\n')).toEqual([]);
  });

  it('rejects a chain that does not start at the signing set with UPGRADE_INVALID and exit 1', async () => {
    const io = memoryIo({ 'up.txt': UPGRADE_HEX() });
    const code = await runCli(
      ['guardians', 'bootstrap', '--genesis', genesis(), '--upgrades', 'up.txt', '--now', '1'],
      io,
    );
    expect(code).toBe(1);
    expect(JSON.parse(io.out).error.code).toBe('ATTESTATION__UPGRADE_INVALID');
  });

  it('rejects an upgrade signed by the wrong keys with SIGNER_MISMATCH', async () => {
    const io = memoryIo({ 'up.txt': UPGRADE_HEX() });
    const wrong = [...SET3()].reverse().join(',');
    const code = await runCli(
      [
        'guardians',
        'bootstrap',
        '--genesis',
        wrong,
        '--genesis-index',
        '3',
        '--upgrades',
        'up.txt',
        '--now',
        '1',
      ],
      io,
    );
    expect(code).toBe(1);
    expect(JSON.parse(io.out).error.code).toBe('ATTESTATION__SIGNER_MISMATCH');
  });

  it('exits 2 on usage errors and missing files', async () => {
    expect(await runCli(['guardians', 'bootstrap', '--upgrades', 'x'], memoryIo())).toBe(2);
    expect(await runCli(['guardians', 'frob'], memoryIo())).toBe(2);
    expect(
      await runCli(
        ['guardians', 'bootstrap', '--genesis', genesis(), '--upgrades', 'missing.txt'],
        memoryIo(),
      ),
    ).toBe(2);
  });
});

describe('xmargin guardians / vaa as real processes', () => {
  const root = fileURLToPath(new URL('../../../..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'xmargin-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) =>
    spawnSync('node', ['--conditions=source', '--import', 'tsx', 'apps/cli/src/bin.ts', ...args], {
      cwd: root,
      encoding: 'utf8',
    });

  // Three node processes with tsx: slow on a loaded 2-core machine, hence the explicit timeout.
  it('bootstraps from the fixture file and verifies the fixture VAA against set 3', {
    timeout: 90_000,
  }, () => {
    const upgrades = join(root, '..', 'shared', 'fixtures', 'mainnet-vaa-guardian-set-upgrade-3-to-4.hex');
    const boot = run([
      'guardians',
      'bootstrap',
      '--genesis',
      genesis(),
      '--genesis-index',
      '3',
      '--upgrades',
      upgrades,
    ]);
    expect(boot.status, boot.stderr).toBe(0);
    expect(JSON.parse(boot.stdout).current).toBe(4);

    const trust = join(dir, 'set3.json');
    writeFileSync(trust, set3StoreJson());
    const verify = run(['vaa', 'verify', '--trust', trust, '--vaa', `@${upgrades}`, '--now', '1713281400']);
    expect(verify.status, verify.stderr).toBe(0);
    const out = JSON.parse(verify.stdout);
    expect(out.digest).toBe('0xeedbfdc99a5c4da5f84b5a40efe5f607d58f9db4bcb9be079f0d2834bae52efd');
    expect(out.payloadLayout).toBe('WormholeCore:GuardianSetUpgrade');

    const rejected = run(['vaa', 'verify', '--trust', trust, '--vaa', `0x02${UPGRADE_HEX().slice(2)}`]);
    expect(rejected.status).toBe(1);
    expect(JSON.parse(rejected.stdout)).toEqual({
      error: { code: 'ATTESTATION__UNSUPPORTED_VERSION', message: expect.any(String) },
    });
  });
});
