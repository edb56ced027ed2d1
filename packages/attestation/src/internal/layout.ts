import { AppError } from '@xmargin/errors';
import { type DeriveType, deserialize, type Layout } from 'binary-layout';

/**
 * Runs a binary-layout decode and classifies its plain `Error`s once, at the boundary: running out of
 * bytes is ATTESTATION__TRUNCATED, bytes left over is ATTESTATION__TRAILING_BYTES, anything else (a
 * constant that does not match, an unknown enum id) is `otherwise`.
 */
export function decodeLayout<const L extends Layout>(
  layout: L,
  bytes: Uint8Array,
  what: string,
  otherwise: (reason: string) => AppError = malformed(what),
): DeriveType<L> {
  try {
    return deserialize(layout, bytes) as DeriveType<L>;
  } catch (cause) {
    throw classifyLayoutError(cause, bytes, what, otherwise);
  }
}

/** Like `decodeLayout` but for a prefix: returns the value and the number of bytes consumed. */
export function decodeLayoutPrefix<const L extends Layout>(
  layout: L,
  bytes: Uint8Array,
  what: string,
  otherwise: (reason: string) => AppError = malformed(what),
): readonly [DeriveType<L>, number] {
  try {
    return deserialize(layout, bytes, false) as readonly [DeriveType<L>, number];
  } catch (cause) {
    throw classifyLayoutError(cause, bytes, what, otherwise);
  }
}

function malformed(what: string): (reason: string) => AppError {
  return (reason) =>
    new AppError('ATTESTATION__MALFORMED', {
      shortMessage: `${what}: ${reason}`,
      context: { reason: `${what}: ${reason}` },
    });
}

export function classifyLayoutError(
  cause: unknown,
  bytes: Uint8Array,
  what: string,
  otherwise: (reason: string) => AppError,
): AppError {
  if (cause instanceof AppError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/shorter than expected|missing data|Cannot convert undefined to a BigInt/.test(message)) {
    return new AppError('ATTESTATION__TRUNCATED', {
      shortMessage: `${what} ends too early (${bytes.length} bytes)`,
      context: { what, length: bytes.length },
      cause,
    });
  }
  const longer = /longer than expected: (\d+) > (\d+)/.exec(message);
  if (longer) {
    return new AppError('ATTESTATION__TRAILING_BYTES', {
      shortMessage: `${what} has ${Number(longer[1]) - Number(longer[2])} trailing bytes`,
      context: { what, expected: Number(longer[2]), actual: Number(longer[1]) },
      cause,
    });
  }
  return otherwise(message);
}
