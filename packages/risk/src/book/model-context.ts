import { createContext, type MarginContext } from '../model/context.js';
import { modelOf } from '../params/model-of.js';
import { createPmrm2Context, type Pmrm2Context } from '../pmrm2/pmrm2-context.js';
import type { MarginDocument } from '../types.js';

/** A document's resolved market data and parameters under the model it selects (`ctx.params.model`). */
export type ModelContext = MarginContext | Pmrm2Context;

/** PMRM v1 or pmrm-2 context, as `params.model` selects. */
export function createModelContext(
  doc: Pick<MarginDocument, 'asOf' | 'params' | 'stable' | 'prices' | 'markets'>,
): ModelContext {
  return modelOf(doc.params) === 'pmrm-2' ? createPmrm2Context(doc) : createContext(doc);
}

export function isPmrm2(ctx: ModelContext): ctx is Pmrm2Context {
  return ctx.params.model === 'pmrm-2';
}
