import {
  buildEvmBalanceQueryResponse,
  buildSplBalanceQueryResponse,
  devnetTrustStore,
  signQueryResponse,
} from '@xmargin/attestation/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { memoryIo } from '../memory-io.js';

const files = { 'devnet.json': JSON.stringify(devnetTrustStore()) };
const token = `0x${'c0'.repeat(20)}`;
const holder = `0x${'aa'.repeat(20)}`;
const response = buildEvmBalanceQueryResponse({
  chainId: 2,
  token,
  holder,
  balance: 123_456n,
  blockNumber: 77n,
  blockTime: 1_700_000_000,
});
const hex = Buffer.from(response).toString('hex');
const sigs = signQueryResponse(response).join(',');

describe('xmargin ccq verify', () => {
  it('verifies a devnet-signed balanceOf response and prints the bound balance', async () => {
    const io = memoryIo(files);
    const args = ['ccq', 'verify', '--trust', 'devnet.json', '--response', hex, '--signatures', sigs];
    expect(await runCli([...args, '--expect-evm', `2:${token}:${holder}`, '--now', '1700000010'], io)).toBe(
      0,
    );
    const out = JSON.parse(io.out);
    expect(out.signers).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(out.result).toMatchObject({
      kind: 'evm-balance',
      balance: '123456',
      blockNumber: '77',
      blockTime: 1_700_000_000,
    });
  });

  it('verifies an SPL token account response', async () => {
    const mint = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
    const owner = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';
    const account = '7UX2i7SucgLMQcfZ75s3VXmZZY4YRUyJN9X1RgfMoDUi';
    const sol = buildSplBalanceQueryResponse({
      account,
      mint,
      owner,
      amount: 5n,
      slot: 9n,
      blockTime: 1_700_000_000,
    });
    const io = memoryIo(files);
    const args = ['ccq', 'verify', '--trust', 'devnet.json', '--response', Buffer.from(sol).toString('hex')];
    args.push(
      '--signatures',
      signQueryResponse(sol).join(','),
      '--expect-spl',
      `1:${account}:${mint}:${owner}`,
    );
    expect(await runCli(args, io)).toBe(0);
    expect(JSON.parse(io.out).result).toMatchObject({ kind: 'spl-balance', amount: '5', slot: '9' });
  });

  it('exits 1 with the error contract for another holder or a missing signature', async () => {
    const io = memoryIo(files);
    const args = ['ccq', 'verify', '--trust', 'devnet.json', '--response', hex, '--signatures', sigs];
    expect(await runCli([...args, '--expect-evm', `2:${token}:0x${'bb'.repeat(20)}`], io)).toBe(1);
    expect(JSON.parse(io.out).error.code).toBe('ATTESTATION__QUERY_MISMATCH');
    const short = memoryIo(files);
    const fewer = signQueryResponse(response).slice(1).join(',');
    expect(
      await runCli(
        ['ccq', 'verify', '--trust', 'devnet.json', '--response', hex, '--signatures', fewer],
        short,
      ),
    ).toBe(1);
    expect(JSON.parse(short.out).error.code).toBe('ATTESTATION__QUORUM_NOT_MET');
    expect(
      await runCli(['ccq', 'verify', '--trust', 'devnet.json', '--response', hex], memoryIo(files)),
    ).toBe(2);
  });
});
