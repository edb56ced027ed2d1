import type { AppError } from '@xmargin/errors';

interface Waiter {
  resolve(vaa: Uint8Array): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

/** Signed VAAs by `chain/emitter/sequence`, with waiters for VAAs not observed yet. */
export class VaaStore {
  readonly #vaas = new Map<string, Uint8Array>();
  readonly #waiters = new Map<string, Set<Waiter>>();
  #closed: unknown;

  get size(): number {
    return this.#vaas.size;
  }

  get(key: string): Uint8Array | undefined {
    return this.#vaas.get(key);
  }

  /**
   * Stores (or replaces) a VAA. Replacing happens only when a devnet chain was reverted to a snapshot
   * and the same sequence was published again: the newest observation is the chain's truth.
   */
  put(key: string, vaa: Uint8Array): void {
    this.#vaas.set(key, vaa);
    const waiters = this.#waiters.get(key);
    if (!waiters) return;
    this.#waiters.delete(key);
    for (const w of waiters) {
      clearTimeout(w.timer);
      w.resolve(vaa);
    }
  }

  wait(key: string, timeoutMs: number, onTimeout: () => unknown): Promise<Uint8Array> {
    const found = this.#vaas.get(key);
    if (found) return Promise.resolve(found);
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.get(key)?.delete(waiter);
          reject(onTimeout());
        }, timeoutMs),
      };
      let set = this.#waiters.get(key);
      if (!set) {
        set = new Set();
        this.#waiters.set(key, set);
      }
      set.add(waiter);
    });
  }

  /** Rejects every pending wait with `reason`; later waits for unknown keys reject at once. */
  close(reason: AppError): void {
    this.#closed = reason;
    for (const set of this.#waiters.values()) {
      for (const w of set) {
        clearTimeout(w.timer);
        w.reject(reason);
      }
    }
    this.#waiters.clear();
  }
}
