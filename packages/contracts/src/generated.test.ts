import { readFileSync } from 'node:fs';
import { getAbiItem, toEventSelector, toFunctionSelector } from 'viem';
import { describe, expect, it } from 'vitest';
import { compileContracts, generatedPath, renderArtifact } from '../scripts/compile.js';
import {
  collateralVaultAbi,
  devnetCoreBridgeAbi,
  marginStatementTypes,
  multicall3Abi,
  seizeTypes,
  withdrawalTypes,
} from './index.js';

describe('generated artifacts', () => {
  it('match a fresh solc compile of contracts/*.sol (run the compile script when this fails)', () => {
    for (const artifact of compileContracts()) {
      expect(artifact.bytecode.length).toBeGreaterThan(2);
      expect(readFileSync(generatedPath(artifact.name), 'utf8'), artifact.name).toBe(
        renderArtifact(artifact),
      );
    }
    // solc-js compiles in WebAssembly on one core: seconds alone, far more on a loaded shared machine.
  }, 120_000);

  it("declare Wormhole's exact LogMessagePublished event and publishMessage function", () => {
    expect(toEventSelector(getAbiItem({ abi: devnetCoreBridgeAbi, name: 'LogMessagePublished' }))).toBe(
      toEventSelector('LogMessagePublished(address,uint64,uint32,bytes,uint8)'),
    );
    // Selector of Wormhole core's publishMessage(uint32,bytes,uint8).
    expect(toFunctionSelector(getAbiItem({ abi: devnetCoreBridgeAbi, name: 'publishMessage' }))).toBe(
      '0xb19a437e',
    );
  });

  it('give the vault Deposit and Withdraw events indexed by account and token', () => {
    const deposit = getAbiItem({ abi: collateralVaultAbi, name: 'Deposit' });
    expect(deposit.inputs.map((i) => [i.name, i.indexed])).toEqual([
      ['account', true],
      ['token', true],
      ['amount', false],
      ['balance', false],
      ['vaultNonce', false],
      ['timestamp', false],
    ]);
    expect(collateralVaultAbi.some((x) => x.type === 'event' && x.name === 'Withdraw')).toBe(true);
  });

  it('give Multicall3 the canonical aggregate3 selector viem calls', () => {
    expect(toFunctionSelector(getAbiItem({ abi: multicall3Abi, name: 'aggregate3' }))).toBe('0x82ad56cb');
  });
});

const encodeType = (name: string, fields: readonly { name: string; type: string }[]): string =>
  `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;

describe('typed data', () => {
  it('declares the same EIP-712 type strings the contracts hash', () => {
    const vault = readFileSync(new URL('../contracts/CollateralVault.sol', import.meta.url), 'utf8');
    const verifier = readFileSync(
      new URL('../contracts/MarginStatementVerifier.sol', import.meta.url),
      'utf8',
    );
    expect(vault).toContain(`"${encodeType('Withdrawal', withdrawalTypes.Withdrawal)}"`);
    expect(vault).toContain(`"${encodeType('Seize', seizeTypes.Seize)}"`);
    expect(verifier).toContain(`"${encodeType('MarginStatement', marginStatementTypes.MarginStatement)}"`);
  });
});
