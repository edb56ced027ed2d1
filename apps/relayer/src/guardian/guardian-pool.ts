import type { GuardianClient } from './guardian-client.js';

/**
 * Several guardian API endpoints behind one client. Guardians observe independently, so a sequence one
 * endpoint has not signed may be on another: a VAA is "missing" only when no endpoint has it. An
 * endpoint that fails is skipped for that call; the call fails only when every endpoint failed.
 * The endpoint that answered last is asked first next time.
 */
export function createGuardianPool(clients: readonly GuardianClient[]): GuardianClient {
  const [only] = clients;
  if (clients.length === 1 && only) return only;
  let preferred = 0;
  const order = () => clients.map((_, i) => (preferred + i) % clients.length);

  return {
    url: clients.map((c) => c.url).join(','),
    async getSignedVaa(chain, emitter, sequence, signal) {
      let firstError: unknown;
      let anyAnswered = false;
      for (const i of order()) {
        try {
          const vaa = await clients[i]!.getSignedVaa(chain, emitter, sequence, signal);
          anyAnswered = true;
          if (vaa) {
            preferred = i;
            return vaa;
          }
        } catch (err) {
          if (signal?.aborted) throw err;
          firstError ??= err;
        }
      }
      if (anyAnswered) return null;
      throw firstError;
    },
    async query(request, signal) {
      let firstError: unknown;
      for (const i of order()) {
        try {
          const res = await clients[i]!.query(request, signal);
          preferred = i;
          return res;
        } catch (err) {
          if (signal?.aborted) throw err;
          firstError ??= err;
        }
      }
      throw firstError;
    },
  };
}
