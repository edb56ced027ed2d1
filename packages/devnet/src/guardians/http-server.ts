import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, isAppError } from '@xmargin/errors';
import type { QueryReply } from './query/respond-to-query.js';

export interface GuardianHttpHandlers {
  getVaa(chain: number, emitter: string, sequence: bigint): Uint8Array | undefined;
  query(request: Uint8Array, signature: Uint8Array | undefined): Promise<QueryReply>;
  guardianSet(): { index: number; addresses: readonly string[] };
}

export interface GuardianHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Query requests are a few hundred bytes; anything near this is not a query. */
const MAX_BODY_BYTES = 1 << 20;

/** gRPC status codes the public guardian API (grpc-gateway) puts in its error bodies. */
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;

const SIGNED_VAA = /^\/v1\/signed_vaa\/([^/]+)\/([^/]+)\/([^/]+)$/;

/**
 * The guardian HTTP API on 127.0.0.1: the public guardian REST shape for signed VAAs and the guardian
 * set, plus the query proxy's `POST /v1/query`.
 */
export async function startGuardianHttpServer(
  handlers: GuardianHttpHandlers,
  port = 0,
): Promise<GuardianHttpServer> {
  const server = createServer((req, res) => {
    route(handlers, req, res).catch((err: unknown) => sendError(res, err));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections would hold close() open until their clients give up.
        server.closeAllConnections();
      }),
  };
}

async function route(
  handlers: GuardianHttpHandlers,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const vaaMatch = req.method === 'GET' ? SIGNED_VAA.exec(path) : null;
  if (vaaMatch) {
    const { status, body } = signedVaa(handlers, vaaMatch[1] ?? '', vaaMatch[2] ?? '', vaaMatch[3] ?? '');
    sendJson(res, status, body);
    return;
  }
  if (req.method === 'GET' && path === '/v1/guardianset/current') {
    const set = handlers.guardianSet();
    sendJson(res, 200, { guardianSet: { index: set.index, addresses: set.addresses } });
    return;
  }
  if (req.method === 'POST' && path === '/v1/query') {
    const { bytes, signature } = parseQueryBody(await readBody(req));
    sendJson(res, 200, await handlers.query(bytes, signature));
    return;
  }
  throw new AppError('API__NOT_FOUND', { context: { method: req.method ?? '?', url: path } });
}

function signedVaa(
  handlers: GuardianHttpHandlers,
  chainText: string,
  emitter: string,
  sequenceText: string,
): { status: number; body: unknown } {
  const chain = Number(chainText);
  if (!/^\d{1,5}$/.test(chainText) || chain > 0xffff) {
    return { status: 400, body: grpcError(GRPC_INVALID_ARGUMENT, `invalid chain id: ${chainText}`) };
  }
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(emitter)) {
    return { status: 400, body: grpcError(GRPC_INVALID_ARGUMENT, 'address must be 32 bytes') };
  }
  if (!/^\d{1,20}$/.test(sequenceText) || BigInt(sequenceText) >= 2n ** 64n) {
    return { status: 400, body: grpcError(GRPC_INVALID_ARGUMENT, `invalid sequence: ${sequenceText}`) };
  }
  const vaa = handlers.getVaa(chain, emitter, BigInt(sequenceText));
  if (!vaa) return { status: 404, body: grpcError(GRPC_NOT_FOUND, 'requested VAA not found in store') };
  return { status: 200, body: { vaaBytes: Buffer.from(vaa).toString('base64') } };
}

function grpcError(code: number, message: string): { code: number; message: string; details: [] } {
  return { code, message, details: [] };
}

function parseQueryBody(raw: string): { bytes: Uint8Array; signature: Uint8Array | undefined } {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (cause) {
    throw badBody('the body is not JSON', cause);
  }
  if (typeof body !== 'object' || body === null) throw badBody('the body must be a JSON object');
  const { bytes, signature } = body as { bytes?: unknown; signature?: unknown };
  if (typeof bytes !== 'string') throw badBody('"bytes" (hex QueryRequest) is required');
  if (signature !== undefined && typeof signature !== 'string') throw badBody('"signature" must be hex');
  return {
    bytes: hexField('bytes', bytes),
    signature: signature === undefined ? undefined : hexField('signature', signature),
  };
}

function hexField(name: string, value: string): Uint8Array {
  const hex = value.startsWith('0x') ? value.slice(2) : value;
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw badBody(`"${name}" is not an even-length hex string`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function badBody(reason: string, cause?: unknown): AppError<'ATTESTATION__MALFORMED'> {
  return new AppError('ATTESTATION__MALFORMED', {
    shortMessage: `Invalid query body: ${reason}`,
    context: { reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES)
      throw new AppError('API__PAYLOAD_TOO_LARGE', { context: { limit: MAX_BODY_BYTES } });
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(res: ServerResponse, err: unknown): void {
  const appError = isAppError(err)
    ? err
    : new AppError('API__INTERNAL', {
        details: err instanceof Error ? err.message : String(err),
        cause: err,
      });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, appError.status, appError.toJSON());
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
