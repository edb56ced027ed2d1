import { AppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { classifyPostError, postAndClassify } from './classify-post-result.js';

describe('classifyPostError', () => {
  it('treats a replay rejection as a delivered duplicate', () => {
    expect(
      classifyPostError(new AppError('LEDGER__REPLAYED_ATTESTATION', { context: { replayKey: '0x01' } })),
    ).toEqual({ outcome: 'duplicate' });
  });

  it('retries what the engine did not judge and drops what it rejected', () => {
    const retry = [
      new AppError('CLIENT__NETWORK_ERROR', { context: { method: 'POST', url: 'u', reason: 'ECONNRESET' } }),
      new AppError('CLIENT__TIMEOUT', { context: { method: 'POST', url: 'u', timeoutMs: 1 } }),
      new AppError('API__RATE_LIMITED', { context: { retryAfterSeconds: 1 } }),
      new AppError('API__INTERNAL'),
      new Error('socket hang up'),
    ];
    for (const e of retry) expect(classifyPostError(e).outcome).toBe('retry');
    const rejected = [
      new AppError('ATTESTATION__QUORUM_NOT_MET', { context: { signatures: 1, required: 13, setSize: 19 } }),
      new AppError('API__UNSUPPORTED_ATTESTATION', { context: { kind: 'vaa', reason: 'unlinked' } }),
      new AppError('API__FORBIDDEN', { context: { role: 'oracle', required: ['relayer'] } }),
    ];
    for (const e of rejected) expect(classifyPostError(e).outcome).toBe('rejected');
  });

  it('passes a caller abort through instead of classifying it', async () => {
    const aborted = new AppError('CLIENT__ABORTED', { context: { method: 'POST', url: 'u' } });
    await expect(postAndClassify(() => Promise.reject(aborted))).rejects.toBe(aborted);
    await expect(postAndClassify(async () => ({ status: 'duplicate' }))).resolves.toEqual({
      outcome: 'duplicate',
    });
  });
});
