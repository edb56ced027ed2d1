/** Marks a response schema as a Server-Sent Events body instead of JSON in the OpenAPI document. */
export const EVENT_STREAM = 'text/event-stream';

/**
 * A stable operationId from the method and the route: `GET /v1/accounts/:accountId/margin` is
 * `getAccountsByAccountIdMargin`. Routes are contracts, so ids derived from them are as stable as they;
 * a route may still give its own `operationId` in its schema.
 */
export function operationIdFor(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((s) => s.length > 0 && s !== 'v1')
    .map((s) => (s.startsWith(':') ? `by-${s.slice(1)}` : s))
    .flatMap((s) => s.split(/[-_.]/))
    .filter((w) => w.length > 0);
  const pascal = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return `${method.toLowerCase()}${pascal}`;
}

/**
 * Completes one operation produced by the zod transform: its operationId, and `text/event-stream` as
 * the media type of any response whose schema is described as {@link EVENT_STREAM} (SSE routes).
 */
export function openApiOperation<T extends { schema: object; url: string }>(
  out: T,
  method: string | readonly string[],
): T {
  const schema = out.schema as Record<string, unknown>;
  if (schema.hide === true) return out;
  const m = Array.isArray(method) ? (method[0] as string) : (method as string);
  if (schema.operationId === undefined) schema.operationId = operationIdFor(m, out.url);
  const response = schema.response as Record<string, Record<string, unknown>> | undefined;
  for (const [status, body] of Object.entries(response ?? {})) {
    if (body.description === EVENT_STREAM && response) {
      response[status] = {
        description: 'Server-Sent Events',
        content: { [EVENT_STREAM]: { schema: { type: 'string' } } },
      };
    }
  }
  return out;
}
