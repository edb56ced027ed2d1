import { apiCodes } from './codes/api.js';
import { attestationCodes } from './codes/attestation.js';
import { chainCodes } from './codes/chain.js';
import { clientCodes } from './codes/client.js';
import { configCodes } from './codes/config.js';
import { coreCodes } from './codes/core.js';
import { documentCodes } from './codes/document.js';
import { ledgerCodes } from './codes/ledger.js';
import { liquidationCodes } from './codes/liquidation.js';
import { queueCodes } from './codes/queue.js';
import { riskCodes } from './codes/risk.js';
import { settlementCodes } from './codes/settlement.js';
import { tenancyCodes } from './codes/tenancy.js';
import { webhookCodes } from './codes/webhook.js';
import type { CodeSpec, HttpStatus } from './spec.js';

/**
 * Every error code, declared once per domain (`codes/<domain>.ts`) and named `DOMAIN__WHAT`.
 * Append-only: a code, once released, keeps its name and status forever (see `registry.lock`).
 */
export const errorCodes = {
  ...coreCodes,
  ...documentCodes,
  ...riskCodes,
  ...attestationCodes,
  ...chainCodes,
  ...ledgerCodes,
  ...queueCodes,
  ...apiCodes,
  ...configCodes,
  ...clientCodes,
  ...liquidationCodes,
  ...tenancyCodes,
  ...settlementCodes,
  ...webhookCodes,
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** The typed context carried by errors of code `C`. */
export type ErrorContext<C extends ErrorCode> = (typeof errorCodes)[C] extends CodeSpec<infer X> ? X : never;

/** The one exhaustive code -> HTTP status table (derived, so a new code cannot be left out). */
export const httpStatusByCode: { readonly [C in ErrorCode]: HttpStatus } = Object.freeze(
  Object.fromEntries(Object.entries(errorCodes).map(([c, spec]) => [c, spec.status])) as {
    [C in ErrorCode]: HttpStatus;
  },
);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}
