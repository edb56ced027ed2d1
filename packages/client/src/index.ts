export { abortableSleep, backoffDelay, parseRetryAfter } from './backoff.js';
export {
  type CallOptions,
  createXmarginClient,
  type XmarginClient,
  type XmarginClientOptions,
} from './create-xmargin-client.js';
export {
  createHttpTransport,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  type HttpTransportOptions,
  type RetryInfo,
} from './http-transport.js';
export { type ErrorResponse, type MapErrorResponse, mapErrorResponse } from './map-error-response.js';
export { type XmarginOperationId, xmarginOperations } from './operations.js';
export { readEventStream, type ServerSentEvent } from './read-event-stream.js';
export {
  type SignWebhookParameters,
  signWebhook,
  type VerifyWebhookSignatureParameters,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from './webhook-signature.js';
