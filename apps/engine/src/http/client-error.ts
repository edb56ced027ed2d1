import type { Socket } from 'node:net';
import { type ErrorCode, errorCodes } from '@xmargin/errors';

function answer(socket: Socket, status: number, reason: string, code: ErrorCode): void {
  const body = JSON.stringify({ error: { code, message: errorCodes[code].summary } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Answers what Node's HTTP parser rejects before any route runs: headers (or a request line) over the
 * size limit get 431 `API__HEADERS_TOO_LARGE`, anything else malformed 400 `API__INVALID_REQUEST`, both
 * in the engine's error envelope.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW')
    answer(socket, 431, 'Request Header Fields Too Large', 'API__HEADERS_TOO_LARGE');
  else answer(socket, 400, 'Bad Request', 'API__INVALID_REQUEST');
}
