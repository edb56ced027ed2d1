import { AppError } from '@xmargin/errors';
import { runStress, STRESS_MODES, type StressMode, type StressResult } from '@xmargin/risk';
import { documentIssues, stressDocumentSchema, stressRunRequestSchema } from '@xmargin/schemas/risk';
import type { Store } from '@xmargin/store';
import { snapshotStressDocument } from './snapshot-stress-document.js';

/** Per mode: rounds, convergence, bad debt and amplification (what the list of runs shows). */
export function summaryOf(result: StressResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mode, m] of Object.entries(result.modes)) {
    out[mode] = {
      roundCount: m.roundCount,
      converged: m.converged,
      badDebt: m.badDebt,
      amplification: m.amplification,
    };
  }
  return out;
}

function errorOf(err: unknown): { code: string; message: string; context?: unknown } {
  if (err instanceof AppError) return { code: err.code, message: err.shortMessage, context: err.context };
  return { code: 'API__INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/**
 * Runs one queued stress run: snapshots the live book into a stress document (stored, so the CLI on it
 * reproduces the result), then runs it mode by mode, recording progress after each mode's rounds, and
 * stores the section-5 result or the error. A run that fails (invalid document, unknown parameter
 * version, RISK__*) is marked failed with its code; it is never retried.
 */
export async function runStressJob(store: Store, runId: string, nowMs: number): Promise<{ status: string }> {
  const run = await store.stressRuns.get(runId);
  if (!run) return { status: 'missing' };
  if (run.status === 'done' || run.status === 'failed') return { status: run.status };
  try {
    const request = stressRunRequestSchema.parse(run.request);
    const { document, snapshot, warnings } = await snapshotStressDocument(
      store,
      request,
      Math.floor(nowMs / 1000),
    );
    await store.stressRuns.start(runId, snapshot, warnings, document);
    const parsed = stressDocumentSchema.safeParse(document);
    if (!parsed.success) {
      const issues = documentIssues(parsed.error);
      throw new AppError('DOCUMENT__INVALID', {
        shortMessage: `The stress document failed validation (${issues.length} issues)`,
        context: { issues },
      });
    }
    const doc = parsed.data;
    // runStress is synchronous: one mode at a time lets the progress reach Postgres between modes.
    const modes = STRESS_MODES.filter((m) => (doc.modes ?? STRESS_MODES).includes(m));
    let result: StressResult | undefined;
    for (const mode of modes) {
      let last: { mode: StressMode; round: number } = { mode, round: 0 };
      const r = runStress({ ...doc, modes: [mode] }, { onRound: (m, round) => (last = { mode: m, round }) });
      await store.stressRuns.progress(runId, last);
      result = result
        ? { ...result, warnings: [...result.warnings, ...r.warnings], modes: { ...result.modes, ...r.modes } }
        : r;
    }
    await store.stressRuns.finish(runId, result, summaryOf(result!));
    return { status: 'done' };
  } catch (err) {
    await store.stressRuns.fail(runId, errorOf(err));
    return { status: 'failed' };
  }
}
