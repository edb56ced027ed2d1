import { describe, expect, it } from 'vitest';
import { loadRelayerEnv } from './env.js';

const base = {
  ENGINE_URL: 'http://127.0.0.1:8080',
  RELAYER_API_KEY: 'xm_relayer_secret',
  GUARDIAN_URL: 'http://127.0.0.1:7071',
};
const vault = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

describe('loadRelayerEnv', () => {
  it('parses emitters, query targets and defaults', () => {
    const env = loadRelayerEnv({
      ...base,
      RELAYER_EMITTERS: `2:${vault}, 1:${'ab'.repeat(32)}`,
      RELAYER_QUERIES: JSON.stringify([
        {
          kind: 'evm-balance',
          accountId: 'acc_a',
          chain: 'evm-devnet',
          wormholeChainId: 2,
          rpcUrl: 'http://127.0.0.1:8545',
          token: vault,
          holder: vault,
          validitySeconds: 600,
          refreshBeforeExpirySeconds: 120,
        },
      ]),
    });
    expect(env.RELAYER_EMITTERS).toEqual([
      { chain: 2, emitter: vault },
      { chain: 1, emitter: 'ab'.repeat(32) },
    ]);
    expect(env.RELAYER_QUERIES[0]).toMatchObject({ kind: 'evm-balance', token: vault.toLowerCase() });
    expect(env).toMatchObject({ POLL_INTERVAL_MS: 1000, RELAYER_PORT: 9465, PYTH_FEED_IDS: [] });
    expect(env.GUARDIAN_URL).toEqual(['http://127.0.0.1:7071']);
    expect(
      loadRelayerEnv({ ...base, GUARDIAN_URL: 'http://a:1, http://b:2', RELAYER_EMITTERS: `2:${vault}` })
        .GUARDIAN_URL,
    ).toEqual(['http://a:1', 'http://b:2']);
  });

  it('rejects bad entries with CONFIG__INVALID naming each path', () => {
    let err: unknown;
    try {
      loadRelayerEnv({
        ...base,
        ENGINE_URL: 'not a url',
        RELAYER_EMITTERS: '2:0x1234',
        RELAYER_QUERIES: '{',
        PYTH_HERMES_URL: 'http://127.0.0.1:1',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CONFIG__INVALID' });
    const paths = (err as { context: { issues: { path: string }[] } }).context.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['$.ENGINE_URL', '$.RELAYER_EMITTERS', '$.RELAYER_QUERIES']),
    );
  });

  it('requires something to relay, and Pyth URL and feeds together', () => {
    expect(() => loadRelayerEnv(base)).toThrow(/nothing to relay/);
    expect(() =>
      loadRelayerEnv({ ...base, PYTH_HERMES_URL: 'https://hermes.example', PYTH_FEED_IDS: '' }),
    ).toThrow(/go together/);
  });
});
