/** What POST /v1/attestations/* reports. */
export interface AttestationOutcome {
  readonly status: 'accepted' | 'duplicate';
  readonly kind: 'vaa' | 'query' | 'pyth';
  readonly replayKey: string;
  readonly jobIds: string[];
  readonly accountIds: string[];
  /** Balance or price updates written (0 for a duplicate). */
  readonly applied: number;
}

export function duplicate(kind: AttestationOutcome['kind'], replayKey: string): AttestationOutcome {
  return { status: 'duplicate', kind, replayKey, jobIds: [], accountIds: [], applied: 0 };
}
