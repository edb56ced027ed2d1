// Flag helpers shared by the attestation commands (vaa, ccq, pyth, guardians).
import { decodeBinaryInput, type TrustStore, toHex, trustStoreFromJson } from '@xmargin/attestation';
import { AppError, isAppError } from '@xmargin/errors';
import { usageError } from '../args.js';
import type { CliIo, OptionSpec, OptionValues } from '../io.js';

/** Flags every verify command takes. */
export const verifyOptions = {
  trust: {
    type: 'string',
    value: 'STORE.json',
    description: 'trust store JSON (from `xmargin guardians bootstrap`)',
  },
  now: { type: 'string', value: 'UNIX', description: 'the time to verify at (default: the clock)' },
  'max-age': { type: 'string', value: 'SECONDS', description: 'refuse attestations older than this' },
  emitter: { type: 'string', value: 'CHAIN:0xADDR', description: 'the only emitter allowed' },
} as const satisfies Record<string, OptionSpec>;

/** The value of a string flag that must be given. */
export function requireFlag(command: string, values: OptionValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string') throw usageError(command, `--${name} is required`);
  return value;
}

export function integerFlag(command: string, values: OptionValues, name: string): number | undefined {
  const raw = values[name];
  if (typeof raw !== 'string') return undefined;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw usageError(command, `--${name} must be a non-negative integer`);
  }
  return Number(raw);
}

/** `--now UNIX` or the wall clock: the CLI is where the clock is read, never the attestation package. */
export function nowFlag(command: string, values: OptionValues): number {
  return integerFlag(command, values, 'now') ?? Math.floor(Date.now() / 1000);
}

/** Reads a file through the injected io, reporting any failure as CLI__FILE_NOT_FOUND. */
export async function readInputFile(io: CliIo, path: string): Promise<string> {
  try {
    return await io.readFile(path);
  } catch (cause) {
    if (isAppError(cause, 'CLI__FILE_NOT_FOUND')) throw cause;
    throw new AppError('CLI__FILE_NOT_FOUND', {
      shortMessage: `Cannot read ${path}`,
      context: { path },
      cause,
    });
  }
}

/** `HEX`, `BASE64` or `@FILE` (whose content is hex or base64) -> bytes. */
export async function binaryArg(io: CliIo, value: string, what: string): Promise<Uint8Array> {
  const text = value.startsWith('@') ? await readInputFile(io, value.slice(1)) : value;
  return decodeBinaryInput(text, what);
}

export async function loadTrustStore(io: CliIo, path: string): Promise<TrustStore> {
  return trustStoreFromJson(await readInputFile(io, path));
}

/** JSON with bigints as decimal strings and bytes as 0x hex (VAA fields do not fit JSON numbers). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Uint8Array) return toHex(v);
      return v;
    },
    2,
  );
}

/** `CHAIN:ADDRESS` -> an emitter. */
export function emitterArg(command: string, value: string): { chain: number; address: string } {
  const m = /^(\d+):(0x[0-9a-fA-F]+)$/.exec(value);
  if (!m) throw usageError(command, `--emitter must be CHAIN:0xADDRESS, got ${value}`);
  return { chain: Number(m[1]), address: m[2]! };
}
