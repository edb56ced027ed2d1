import { decodeBinaryInput, type TrustStore, toHex, trustStoreFromJson } from '@xmargin/attestation';
import { AppError, isAppError } from '@xmargin/errors';
import type { CliIo } from '../io.js';

/** Parsed `--flag value` pairs plus positionals; every flag takes exactly one value. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string>;
}

export function usageError(command: string, reason: string): AppError {
  return new AppError('CLI__USAGE', { shortMessage: reason, context: { command, reason } });
}

/** Strict flag parser: unknown flags, repeated flags and flags without a value are usage errors. */
export function parseArgs(command: string, args: readonly string[], known: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!known.includes(name)) throw usageError(command, `unknown option --${name}`);
    if (flags.has(name)) throw usageError(command, `--${name} given twice`);
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) {
      throw usageError(command, `--${name} needs a value`);
    }
    flags.set(name, value);
  }
  return { positionals, flags };
}

export function requireFlag(command: string, parsed: ParsedArgs, name: string): string {
  const value = parsed.flags.get(name);
  if (value === undefined) throw usageError(command, `--${name} is required`);
  return value;
}

export function integerFlag(command: string, parsed: ParsedArgs, name: string): number | undefined {
  const raw = parsed.flags.get(name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw usageError(command, `--${name} must be a non-negative integer`);
  }
  return Number(raw);
}

/** `--now UNIX` or the wall clock: the CLI is where the clock is read, never the attestation package. */
export function nowFlag(command: string, parsed: ParsedArgs): number {
  return integerFlag(command, parsed, 'now') ?? Math.floor(Date.now() / 1000);
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
