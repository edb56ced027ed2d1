/** What the relayer reports as it works (main.ts logs these; tests observe them). */
export type RelayerEvent =
  | {
      readonly type: 'vaa-posted';
      readonly chain: number;
      readonly emitter: string;
      readonly sequence: bigint;
      readonly outcome: 'accepted' | 'duplicate' | 'rejected';
      readonly code?: string;
    }
  | {
      readonly type: 'gap-detected';
      readonly chain: number;
      readonly emitter: string;
      readonly sequences: readonly bigint[];
    }
  | {
      readonly type: 'gap-filled';
      readonly chain: number;
      readonly emitter: string;
      readonly sequence: bigint;
    }
  | {
      readonly type: 'query-posted';
      readonly target: string;
      readonly outcome: 'accepted' | 'duplicate' | 'rejected';
      readonly blockTime: number;
      readonly code?: string;
    }
  | {
      /** The engine's re-attestation requests brought these query targets forward. */
      readonly type: 'reverify-requested';
      readonly requests: number;
      readonly expedited: number;
    }
  | {
      readonly type: 'pyth-posted';
      readonly outcome: 'accepted' | 'duplicate' | 'rejected';
      readonly code?: string;
    }
  | { readonly type: 'error'; readonly source: string; readonly code: string; readonly message: string };

export type OnRelayerEvent = (event: RelayerEvent) => void;

/** The stable code of an error for events and metrics labels (one definition, in @xmargin/ops). */
export { errorCodeOf } from '@xmargin/ops';
