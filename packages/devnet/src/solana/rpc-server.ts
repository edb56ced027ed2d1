import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '@xmargin/errors';
import type { DevnetChain, SlotRecord } from './devnet-chain.js';
import { RpcCode, RpcError } from './rpc-error.js';
import { rpcMethods } from './rpc-methods.js';
import { WebSocketConnection } from './websocket.js';

const MAX_BODY_BYTES = 5 * 1024 * 1024;

type JsonRpcRequest = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };

function errorResponse(id: unknown, err: RpcError): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id: id ?? null,
    error: { code: err.code, message: err.message, ...(err.data === undefined ? {} : { data: err.data }) },
  };
}

/** Runs one JSON-RPC request against the chain; returns the response object (also for errors). */
export function dispatch(chain: DevnetChain, request: JsonRpcRequest): Record<string, unknown> {
  const id = request.id ?? null;
  if (typeof request.method !== 'string')
    return errorResponse(id, new RpcError(RpcCode.InvalidRequest, 'Invalid request'));
  const handler = Object.hasOwn(rpcMethods, request.method) ? rpcMethods[request.method] : undefined;
  if (!handler) return errorResponse(id, new RpcError(RpcCode.MethodNotFound, 'Method not found'));
  const params = request.params === undefined ? [] : request.params;
  if (!Array.isArray(params))
    return errorResponse(id, new RpcError(RpcCode.InvalidParams, 'Invalid params: expected an array'));
  try {
    return { jsonrpc: '2.0', id, result: handler(params, chain) };
  } catch (err) {
    if (err instanceof RpcError) return errorResponse(id, err);
    const message = err instanceof Error ? err.message : String(err);
    return errorResponse(id, new RpcError(RpcCode.InternalError, `Internal error: ${message}`));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RpcError(RpcCode.InvalidRequest, 'Request too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handleHttp(chain: DevnetChain, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (err) {
    const rpcErr = err instanceof RpcError ? err : new RpcError(RpcCode.ParseError, 'Parse error');
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(errorResponse(null, rpcErr)));
    return;
  }
  const out = Array.isArray(body)
    ? body.map((r) => dispatch(chain, (r ?? {}) as JsonRpcRequest))
    : dispatch(chain, (body ?? {}) as JsonRpcRequest);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
}

type Subscription =
  | { kind: 'signature'; conn: WebSocketConnection; signature: string }
  | { kind: 'slot' | 'root'; conn: WebSocketConnection };

const UNSUBSCRIBE: Record<string, Subscription['kind']> = {
  signatureUnsubscribe: 'signature',
  slotUnsubscribe: 'slot',
  rootUnsubscribe: 'root',
};

/**
 * Subscriptions over WebSocket: `signatureSubscribe` (what web3.js `confirmTransaction` waits on),
 * `slotSubscribe` and `rootSubscribe`. Every produced block is final, so a signature notification
 * is sent as soon as the transaction's slot exists, at any commitment.
 */
class Subscriptions {
  private nextId = 1;
  private readonly subs = new Map<number, Subscription>();
  private readonly conns = new Set<WebSocketConnection>();
  private readonly unlisten: () => void;

  constructor(private readonly chain: DevnetChain) {
    this.unlisten = chain.onSlot((record) => this.onSlot(record));
  }

  accept(conn: WebSocketConnection): void {
    this.conns.add(conn);
  }

  drop(conn: WebSocketConnection): void {
    this.conns.delete(conn);
    for (const [id, sub] of this.subs) if (sub.conn === conn) this.subs.delete(id);
  }

  close(): void {
    this.unlisten();
    // Close code 1000 tells web3.js the close is intentional; any other close makes it reconnect
    // forever, logging each failed attempt to the console.
    for (const conn of this.conns) {
      conn.close();
      setTimeout(() => conn.destroy(), 200).unref();
    }
  }

  message(text: string, conn: WebSocketConnection): void {
    let request: JsonRpcRequest;
    try {
      request = JSON.parse(text) as JsonRpcRequest;
    } catch {
      conn.send(JSON.stringify(errorResponse(null, new RpcError(RpcCode.ParseError, 'Parse error'))));
      return;
    }
    // Notifications (no id), such as web3.js's keep-alive `ping`, get no answer.
    if (request.id === undefined || request.id === null) return;
    const params = Array.isArray(request.params) ? request.params : [];
    const reply = (result: unknown) => conn.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }));
    const method = String(request.method);
    if (method === 'signatureSubscribe' && typeof params[0] === 'string') {
      const id = this.nextId++;
      const sub: Subscription = { kind: 'signature', conn, signature: params[0] };
      this.subs.set(id, sub);
      reply(id);
      this.notifySignature(id, sub);
      return;
    }
    if (method === 'slotSubscribe' || method === 'rootSubscribe') {
      const id = this.nextId++;
      this.subs.set(id, { kind: method === 'slotSubscribe' ? 'slot' : 'root', conn });
      reply(id);
      return;
    }
    const kind = UNSUBSCRIBE[method];
    if (kind !== undefined) {
      const id = params[0];
      const sub = typeof id === 'number' ? this.subs.get(id) : undefined;
      const ok = sub !== undefined && sub.kind === kind && sub.conn === conn;
      if (ok) this.subs.delete(id as number);
      reply(ok);
      return;
    }
    conn.send(
      JSON.stringify(errorResponse(request.id, new RpcError(RpcCode.MethodNotFound, 'Method not found'))),
    );
  }

  private onSlot(record: SlotRecord): void {
    for (const [id, sub] of this.subs) {
      if (sub.kind === 'signature') this.notifySignature(id, sub);
      else if (sub.kind === 'slot')
        this.notify(sub.conn, 'slotNotification', id, {
          parent: Number(record.parentSlot),
          root: Number(record.slot),
          slot: Number(record.slot),
        });
      else this.notify(sub.conn, 'rootNotification', id, Number(record.slot));
    }
  }

  private notifySignature(id: number, sub: Subscription & { kind: 'signature' }): void {
    const status = this.chain.signatureStatus(sub.signature);
    if (!status) return;
    // Signature subscriptions are one-shot: the node drops them after the notification.
    this.subs.delete(id);
    this.notify(sub.conn, 'signatureNotification', id, {
      context: { slot: Number(status.slot) },
      value: { err: status.err },
    });
  }

  private notify(conn: WebSocketConnection, method: string, subscription: number, result: unknown): void {
    conn.send(JSON.stringify({ jsonrpc: '2.0', method, params: { result, subscription } }));
  }
}

export interface RpcServer {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Serves JSON-RPC over HTTP on a free loopback port P and again on P+1, where web3.js looks for the
 * WebSocket endpoint of an `http://host:P` URL (agave's convention); both ports accept both
 * protocols, so `new Connection(rpcUrl)` works with no `wsEndpoint`.
 */
export async function startRpcServer(chain: DevnetChain): Promise<RpcServer> {
  const subscriptions = new Subscriptions(chain);
  const makeServer = (): Server => {
    const server = createServer((req, res) => {
      handleHttp(chain, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      const conn = WebSocketConnection.accept(
        req,
        socket,
        head,
        (text, c) => subscriptions.message(text, c),
        (c) => subscriptions.drop(c),
      );
      if (conn) subscriptions.accept(conn);
    });
    return server;
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    const http = makeServer();
    const ws = makeServer();
    const port = await listen(http, 0);
    try {
      await listen(ws, port + 1);
    } catch {
      await closeServer(http);
      continue;
    }
    return {
      rpcUrl: `http://127.0.0.1:${port}`,
      wsUrl: `ws://127.0.0.1:${port + 1}`,
      close: async () => {
        subscriptions.close();
        await Promise.all([closeServer(http), closeServer(ws)]);
      },
    };
  }
  subscriptions.close();
  throw new AppError('CHAIN__RPC_UNAVAILABLE', {
    context: { chain: 'solana-devnet', url: 'http://127.0.0.1' },
    shortMessage: 'No free pair of adjacent loopback ports for the Solana devnet RPC',
  });
}
