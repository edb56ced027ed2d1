import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export interface CreateLoggerParameters {
  /** pino level (`fatal` ... `trace`, or `silent`). */
  readonly level: string;
  /** Where JSON lines go; default stdout. Tests pass a stream to read them. */
  readonly destination?: DestinationStream | { write(line: string): void };
  /** Fields on every line (e.g. `{ service: 'engine', role: 'worker' }`). */
  readonly base?: Readonly<Record<string, unknown>>;
}

/**
 * Paths censored on every log line: credentials must never reach the logs, even when a caller logs a
 * whole request, config or error object. pino matches these on the logged object (one `*` = any key).
 */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'apiKey',
  'secret',
  'password',
  'privateKey',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.privateKey',
  '*.authorization',
];

/**
 * The one logger factory of the apps: structured JSON lines (`level`, `time` in unix ms, `msg`, then
 * fields), errors under `err` with their code, credentials censored.
 */
export function createLogger(params: CreateLoggerParameters): Logger {
  return pino(
    {
      level: params.level,
      base: params.base === undefined ? null : { ...params.base },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    (params.destination as DestinationStream | undefined) ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A logger that writes nothing (tests, `logger: false`). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** The error's stable code (AppError, node and driver errors), `UNKNOWN` otherwise. */
export function errorCodeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : 'UNKNOWN';
}

/** `{ type, code, message, stack }` of an error, cause included (one level), never its context. */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out: Record<string, unknown> = {
    type: err.name,
    code: errorCodeOf(err),
    message: (err as { shortMessage?: unknown }).shortMessage ?? err.message,
    stack: err.stack,
  };
  if (err.cause instanceof Error) out.cause = { type: err.cause.name, message: err.cause.message };
  return out;
}
