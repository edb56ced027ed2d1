import { describe, expect, it } from 'vitest';
import { startDevnet } from './index.js';

describe('startDevnet', () => {
  it('starts the EVM devnet and stops it cleanly (idempotently)', async () => {
    const devnet = await startDevnet();
    expect(await devnet.evm.publicClient.getChainId()).toBe(1337);
    await devnet.stop();
    await devnet.stop();
    await expect(fetch(devnet.evm.rpcUrl, { method: 'POST' })).rejects.toThrow();
  });
});
