import { type ErrorCode, type ErrorContext, errorCodes, httpStatusByCode } from './registry.js';
import type { HttpStatus } from './spec.js';

type ContextArg<C extends ErrorCode> = keyof ErrorContext<C> extends never
  ? { context?: ErrorContext<C> }
  : { context: ErrorContext<C> };

export type AppErrorOptions<C extends ErrorCode> = ContextArg<C> & {
  /** One-line human message; defaults to the code's summary. */
  shortMessage?: string;
  /** Longer technical detail (may name inputs, never secrets). */
  details?: string;
  /** Extra lines appended to the message, e.g. a list of failed paths. */
  metaMessages?: readonly string[];
  cause?: unknown;
};

/**
 * The one error class of xmargin. Every failure that crosses a package boundary is an AppError with a
 * stable `code` from the registry, a typed `context`, and the original `cause` when there is one.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'AppError';
  readonly code: C;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly metaMessages: readonly string[];
  readonly context: ErrorContext<C>;
  readonly status: HttpStatus;

  constructor(
    code: C,
    ...[options]: keyof ErrorContext<C> extends never ? [AppErrorOptions<C>?] : [AppErrorOptions<C>]
  ) {
    const shortMessage = options?.shortMessage ?? errorCodes[code].summary;
    const metaMessages = options?.metaMessages ?? [];
    const lines = [shortMessage, ...metaMessages];
    if (options?.details) lines.push(`Details: ${options.details}`);
    lines.push(`Code: ${code}`);
    super(lines.join('\n'), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options?.details;
    this.metaMessages = metaMessages;
    this.context = (options?.context ?? {}) as ErrorContext<C>;
    this.status = httpStatusByCode[code];
  }

  /**
   * Walks the `cause` chain. Without a predicate returns the deepest error; with one, the first
   * error (this one included) that matches, or null.
   */
  walk(predicate?: (err: unknown) => boolean): unknown {
    let current: unknown = this;
    const seen = new Set<unknown>();
    while (current !== undefined && current !== null && !seen.has(current)) {
      seen.add(current);
      if (predicate?.(current)) return current;
      const next: unknown = (current as { cause?: unknown }).cause;
      if (next === undefined || next === null) break;
      current = next;
    }
    return predicate ? null : current;
  }

  /** A JSON-safe view for API responses and CLI output (no stack, no cause). */
  toJSON(): { code: C; message: string; details?: string; context: ErrorContext<C> } {
    return {
      code: this.code,
      message: this.shortMessage,
      ...(this.details === undefined ? {} : { details: this.details }),
      context: this.context,
    };
  }
}

/** Narrows `err` to an AppError, optionally of one specific code. */
export function isAppError<C extends ErrorCode>(err: unknown, code?: C): err is AppError<C> {
  if (!(err instanceof AppError)) return false;
  return code === undefined || err.code === code;
}
