// Writes the sample inputs of the README's CLI examples (apps/cli/examples/): devnet-signed attestations
// that verify at the `--now` the README passes, and a stress and a liquidation document.
// Run: node --conditions=source --import tsx apps/cli/examples/generate.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeCollateralMessage } from '@xmargin/attestation';
import {
  buildEvmBalanceQueryResponse,
  buildPythUpdate,
  devnetTrustStore,
  signQueryResponse,
  signVaa,
} from '@xmargin/attestation/testing';

const dir = new URL('./', import.meta.url);
const write = (name: string, text: string) =>
  writeFileSync(new URL(name, dir), text.endsWith('\n') ? text : `${text}\n`);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const T = 1_700_000_000;

write('devnet-trust-store.json', JSON.stringify(devnetTrustStore(), null, 2));

write(
  'collateral-vaa.hex',
  hex(
    signVaa({
      timestamp: T,
      emitterChain: 2,
      emitterAddress: `0x${'00'.repeat(12)}${'5a'.repeat(20)}`,
      sequence: 3n,
      consistencyLevel: 202,
      payload: encodeCollateralMessage({
        kind: 'deposit',
        account: `0x${'00'.repeat(12)}${'11'.repeat(20)}`,
        token: `0x${'00'.repeat(12)}${'22'.repeat(20)}`,
        amount: 1_000_000_000n,
        balance: 1_000_000_000n,
        sourceHeight: 99n,
        vaultNonce: 1n,
      }),
    }),
  ),
);

const response = buildEvmBalanceQueryResponse({
  chainId: 2,
  token: `0x${'c0'.repeat(20)}`,
  holder: `0x${'aa'.repeat(20)}`,
  balance: 1_000_000_000n,
  blockNumber: 77n,
  blockTime: T,
});
write('ccq-evm-balance.hex', hex(response));
write('ccq-evm-balance.signatures', signQueryResponse(response).join('\n'));

write(
  'pyth-update.b64',
  Buffer.from(
    buildPythUpdate({
      prices: [
        {
          feedId: `0x${'e6'.repeat(32)}`,
          price: 6_512_345_000_000n,
          conf: 3_250_000_000n,
          expo: -8,
          publishTime: BigInt(T),
          prevPublishTime: BigInt(T - 1),
          emaPrice: 6_500_000_000_000n,
          emaConf: 3_000_000_000n,
        },
      ],
      timestamp: T,
      slot: 5n,
    }),
  ).toString('base64'),
);

// The first worked example of each spec's fixture file, as a ready-to-run document.
const shared = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../shared/fixtures/${name}`, import.meta.url), 'utf8'));
write('stress.json', JSON.stringify(shared('contagion-examples.json').cases[0].input, null, 2));
write('liquidation.json', JSON.stringify(shared('liquidation-examples.json').simulations[0].input, null, 2));
