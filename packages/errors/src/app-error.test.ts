import { describe, expect, it } from 'vitest';
import { AppError, isAppError } from './index.js';

describe('AppError', () => {
  it('carries code, typed context, status and a message that names the code', () => {
    const err = new AppError('CORE__INVALID_AMOUNT', {
      context: { input: '1.2.3', reason: 'two decimal points' },
      details: 'while parsing a deposit',
    });
    expect(err.code).toBe('CORE__INVALID_AMOUNT');
    expect(err.context).toEqual({ input: '1.2.3', reason: 'two decimal points' });
    expect(err.status).toBe(400);
    expect(err.shortMessage).toBe('Amount is not a valid decimal or raw value');
    expect(err.message).toContain('Code: CORE__INVALID_AMOUNT');
    expect(err.message).toContain('Details: while parsing a deposit');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('AppError');
  });

  it('defaults the context for codes that declare none', () => {
    const err = new AppError('API__UNAUTHENTICATED');
    expect(err.context).toEqual({});
    expect(err.status).toBe(401);
  });

  it('walks the cause chain', () => {
    const root = new Error('socket closed');
    const mid = new AppError('CHAIN__RPC_UNAVAILABLE', {
      context: { chain: 'ethereum', url: 'x' },
      cause: root,
    });
    const top = new AppError('LEDGER__UNAVAILABLE', { context: { reason: 'rpc' }, cause: mid });
    expect(top.walk()).toBe(root);
    expect(top.walk((e) => isAppError(e, 'CHAIN__RPC_UNAVAILABLE'))).toBe(mid);
    expect(top.walk((e) => isAppError(e, 'API__INTERNAL'))).toBeNull();
    expect(new AppError('API__INTERNAL').walk()).toBeInstanceOf(AppError);
  });

  it('narrows with isAppError', () => {
    const err: unknown = new AppError('CLI__USAGE', { context: { command: 'margin', reason: 'no file' } });
    expect(isAppError(err)).toBe(true);
    expect(isAppError(err, 'CLI__USAGE')).toBe(true);
    expect(isAppError(err, 'API__INTERNAL')).toBe(false);
    expect(isAppError(new Error('x'))).toBe(false);
    if (isAppError(err, 'CLI__USAGE')) expect(err.context.command).toBe('margin');
  });

  it('serialises without stack or cause', () => {
    const err = new AppError('CLI__FILE_NOT_FOUND', {
      context: { path: '/nope' },
      cause: new Error('ENOENT'),
    });
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      code: 'CLI__FILE_NOT_FOUND',
      message: 'File not found',
      context: { path: '/nope' },
    });
  });
});
