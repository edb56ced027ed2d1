import { buildPythUpdate, devnetTrustStore } from '@xmargin/attestation/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { memoryIo } from '../memory-io.js';

const price = {
  feedId: `0x${'e6'.repeat(32)}` as const,
  price: 6_512_345_000_000n,
  conf: 3_250_000_000n,
  expo: -8,
  publishTime: 1_700_000_000n,
  prevPublishTime: 1_699_999_999n,
  emaPrice: 6_500_000_000_000n,
  emaConf: 3_000_000_000n,
};

describe('xmargin pyth verify', () => {
  it('verifies a devnet-signed accumulator update from a file and prints the prices', async () => {
    const update = Buffer.from(
      buildPythUpdate({ prices: [price], timestamp: 1_700_000_000, slot: 5n }),
    ).toString('base64');
    const io = memoryIo({ 'devnet.json': JSON.stringify(devnetTrustStore()), 'update.b64': update });
    expect(
      await runCli(
        ['pyth', 'verify', '--trust', 'devnet.json', '--update', '@update.b64', '--now', '1700000005'],
        io,
      ),
    ).toBe(0);
    const out = JSON.parse(io.out);
    expect(out.slot).toBe('5');
    expect(out.vaa.emitterChain).toBe(26);
    expect(out.prices).toEqual([
      {
        feedId: price.feedId,
        price: '6512345000000',
        conf: '3250000000',
        expo: -8,
        publishTime: '1700000000',
        prevPublishTime: '1699999999',
        emaPrice: '6500000000000',
        emaConf: '3000000000',
      },
    ]);
  });

  it('rejects an update from an emitter other than --emitter with exit 1', async () => {
    const update = Buffer.from(buildPythUpdate({ prices: [price], timestamp: 1_700_000_000 })).toString(
      'base64',
    );
    const io = memoryIo({ 'devnet.json': JSON.stringify(devnetTrustStore()) });
    const args = [
      'pyth',
      'verify',
      '--trust',
      'devnet.json',
      '--update',
      update,
      '--emitter',
      `26:0x${'01'.repeat(32)}`,
    ];
    expect(await runCli(args, io)).toBe(1);
    expect(JSON.parse(io.out).error.code).toBe('ATTESTATION__EMITTER_NOT_ALLOWED');
  });
});
