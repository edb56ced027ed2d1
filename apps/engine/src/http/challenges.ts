import { randomBytes } from 'node:crypto';
import type { CreateChallengeParameters } from '@xmargin/store';
import type { EngineContext } from '../context.js';

/** How long a signing challenge (address link, grant, revoke) stays valid. */
export const CHALLENGE_TTL_SECONDS = 300;

/**
 * Issues a single-use message to sign: a random nonce, an expiry `CHALLENGE_TTL_SECONDS` ahead, the
 * message built from both, stored until it is consumed or expires. Expired challenges are deleted as
 * new ones are issued (indexed on expires_at: cheap).
 */
export async function issueChallenge(
  ctx: Pick<EngineContext, 'store' | 'now'>,
  challenge: Omit<CreateChallengeParameters, 'nonce' | 'message' | 'expiresAt'>,
  message: (nonce: string, expiresAt: number) => string,
): Promise<{ challengeId: string; message: string; expiresAt: number }> {
  await ctx.store.challenges.purgeExpired(new Date(ctx.now()));
  const nonce = randomBytes(16).toString('hex');
  const expiresAt = Math.floor(ctx.now() / 1000) + CHALLENGE_TTL_SECONDS;
  const text = message(nonce, expiresAt);
  await ctx.store.challenges.create({
    ...challenge,
    nonce,
    message: text,
    expiresAt: new Date(expiresAt * 1000),
  });
  return { challengeId: nonce, message: text, expiresAt };
}
