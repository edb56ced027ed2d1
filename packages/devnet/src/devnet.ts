import { type EvmDevnet, type EvmDevnetOptions, startEvmDevnet } from './evm/index.js';

export interface DevnetOptions {
  readonly evm?: EvmDevnetOptions;
}

/** Every local chain and service the tests and the demo need, started together. */
export interface Devnet {
  readonly evm: EvmDevnet;
  /** Stops everything that was started, in reverse order; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the local devnet: the EVM node (ganache with the xmargin contracts). A component that fails to
 * start stops the ones already running before the error propagates, so a failed start leaks nothing.
 */
export async function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    while (stops.length > 0) {
      const stop = stops.pop();
      await stop?.().catch((e: unknown) => errors.push(e));
    }
    if (errors.length > 0) throw errors[0];
  };
  try {
    const evm = await startEvmDevnet(opts.evm);
    stops.push(() => evm.stop());
    return { evm, stop: stopAll };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
