import { AppError } from '@xmargin/errors';

export type Hex = `0x${string}`;

const HEX_TABLE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase `0x`-prefixed hex of `bytes`. */
export function toHex(bytes: Uint8Array): Hex {
  let out = '0x';
  for (let i = 0; i < bytes.length; i++) out += HEX_TABLE[bytes[i]!];
  return out as Hex;
}

const HEX_RE = /^(0x)?([0-9a-fA-F]{2})*$/;

/** Strict hex decode (optional `0x`, even length); anything else is ATTESTATION__MALFORMED. */
export function fromHex(input: string, what = 'hex'): Uint8Array {
  if (!HEX_RE.test(input)) {
    throw new AppError('ATTESTATION__MALFORMED', {
      shortMessage: `${what} is not an even-length hex string`,
      context: { reason: `${what} is not hex` },
    });
  }
  const body = input.startsWith('0x') ? input.slice(2) : input;
  return Uint8Array.from(Buffer.from(body, 'hex'));
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Accepts `0x…` hex, bare hex or standard base64 (what relayers and guardians' REST APIs return). */
export function decodeBinaryInput(input: string, what = 'input'): Uint8Array {
  const text = input.trim();
  if (text.startsWith('0x') || /^([0-9a-fA-F]{2})+$/.test(text)) return fromHex(text, what);
  if (text.length > 0 && BASE64_RE.test(text)) return Uint8Array.from(Buffer.from(text, 'base64'));
  throw new AppError('ATTESTATION__MALFORMED', {
    shortMessage: `${what} is neither hex nor base64`,
    context: { reason: `${what} is neither hex nor base64` },
  });
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Big-endian fixed-width encoding of a non-negative bigint. */
export function bigintToBytes(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = value;
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Normalises a 20-byte or 32-byte address (hex) to lowercase 0x + 64 hex chars (Wormhole universal form). */
export function toUniversalHex(input: string, what = 'address'): Hex {
  const bytes = fromHex(input, what);
  if (bytes.length === 32) return toHex(bytes);
  if (bytes.length === 20) {
    const out = new Uint8Array(32);
    out.set(bytes, 12);
    return toHex(out);
  }
  throw new AppError('ATTESTATION__MALFORMED', {
    shortMessage: `${what} is neither 20 nor 32 bytes`,
    context: { reason: `${what} has ${bytes.length} bytes` },
  });
}
