import { AppError, formatIssuePath } from '@xmargin/errors';
import type {
  LiquidationDocument,
  MarginDocument,
  StressDocument,
  WhatIfChange,
  WhatIfOptions,
} from '@xmargin/risk';
import type { z } from 'zod';
import { marginDocumentSchema } from './document.js';
import { liquidationDocumentSchema } from './liquidation.js';
import { stressDocumentSchema } from './stress.js';
import { whatIfDocumentSchema, whatIfHttpFormSchema } from './what-if.js';

/** One validation problem, with the JSON path of the offending value (`$` is the document root). */
export interface DocumentIssue {
  path: string;
  message: string;
  code: string;
}

export { formatIssuePath };

/** Flattens a zod error into issues with JSON paths, in document order. */
export function documentIssues(error: z.ZodError): DocumentIssue[] {
  return error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message, code: i.code }));
}

function invalid(error: z.ZodError, what: string): AppError<'DOCUMENT__INVALID'> {
  const issues = documentIssues(error);
  return new AppError('DOCUMENT__INVALID', {
    shortMessage: `${what} failed schema validation (${issues.length} issue${issues.length === 1 ? '' : 's'})`,
    metaMessages: issues.map((i) => `${i.path}: ${i.message} (${i.code})`),
    context: { issues },
  });
}

/**
 * Validates a margin input document (already JSON-decoded). Throws AppError DOCUMENT__INVALID whose
 * context lists every issue with its path.
 */
export function parseMarginDocument(input: unknown): MarginDocument {
  const r = marginDocumentSchema.safeParse(input);
  if (!r.success) throw invalid(r.error, 'Margin document');
  return r.data;
}

/**
 * Validates a what-if file: `{ changes, sizeChange?, maxSizeMultiple? }`, or the HTTP body form
 * (`{ positions: { upsert }, collateral: [{ asset, chain, delta }] }`, normalised into `changes`: one
 * what-if document for both). Throws DOCUMENT__INVALID.
 */
export function parseWhatIfDocument(input: unknown): { changes: WhatIfChange[]; options: WhatIfOptions } {
  const httpForm =
    typeof input === 'object' &&
    input !== null &&
    !('changes' in input) &&
    ('positions' in input || 'collateral' in input);
  if (httpForm) {
    const r = whatIfHttpFormSchema.safeParse(input);
    if (!r.success) throw invalid(r.error, 'What-if document');
    return { changes: r.data.changes, options: {} };
  }
  const r = whatIfDocumentSchema.safeParse(input);
  if (!r.success) throw invalid(r.error, 'What-if document');
  const { changes, ...options } = r.data;
  return { changes, options };
}

/** Validates a `liquidation simulate` input (liquidation spec section 6). Throws DOCUMENT__INVALID. */
export function parseLiquidationDocument(input: unknown): LiquidationDocument {
  const r = liquidationDocumentSchema.safeParse(input);
  if (!r.success) throw invalid(r.error, 'Liquidation document');
  return r.data;
}

/** JSON.parse with the stable DOCUMENT__UNPARSABLE error. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new AppError('DOCUMENT__UNPARSABLE', {
      context: { reason: cause instanceof Error ? cause.message : String(cause) },
      cause,
    });
  }
}

/** Validates a stress document (contagion spec section 1). Throws DOCUMENT__INVALID with every issue. */
export function parseStressDocument(input: unknown): StressDocument {
  const r = stressDocumentSchema.safeParse(input);
  if (!r.success) throw invalid(r.error, 'Stress document');
  return r.data;
}
