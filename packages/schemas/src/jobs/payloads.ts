import { z } from 'zod';

/** `index-chain`: one polling round of a configured network's adapter. */
export const indexChainPayload = z.object({ chain: z.string().min(1).max(64) }).strict();
export type IndexChainPayload = z.infer<typeof indexChainPayload>;

/** `reverify-expiring`: re-attest balances whose attestation expires within the horizon. */
export const reverifyExpiringPayload = z
  .object({
    horizonSeconds: z
      .number()
      .int()
      .positive()
      .max(7 * 86_400),
  })
  .strict();
export type ReverifyExpiringPayload = z.infer<typeof reverifyExpiringPayload>;
