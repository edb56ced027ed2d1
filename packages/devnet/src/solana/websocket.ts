import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const Opcode = { Continuation: 0, Text: 1, Binary: 2, Close: 8, Ping: 9, Pong: 10 } as const;
/** Subscription messages are tiny; anything bigger is a misbehaving client. */
const MAX_MESSAGE_BYTES = 1 << 20;

/**
 * A minimal RFC 6455 server connection: enough for web3.js's subscription client (text frames,
 * masking, fragmentation, ping/pong, close). No extensions are negotiated.
 */
export class WebSocketConnection {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closed = false;

  private constructor(
    private readonly socket: Duplex,
    private readonly onMessage: (text: string, conn: WebSocketConnection) => void,
    private readonly onClose: (conn: WebSocketConnection) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
  }

  /** Completes the HTTP upgrade handshake; returns null (and rejects the request) when it is not a WebSocket upgrade. */
  static accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    onMessage: (text: string, conn: WebSocketConnection) => void,
    onClose: (conn: WebSocketConnection) => void,
  ): WebSocketConnection | null {
    const key = req.headers['sec-websocket-key'];
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return null;
    }
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const conn = new WebSocketConnection(socket, onMessage, onClose);
    if (head.length > 0) conn.receive(head);
    return conn;
  }

  send(text: string): void {
    if (!this.closed) this.socket.write(frame(Opcode.Text, Buffer.from(text)));
  }

  close(): void {
    if (this.closed) return;
    this.socket.write(frame(Opcode.Close, Buffer.from([0x03, 0xe8])));
    this.socket.end();
    this.finish();
  }

  destroy(): void {
    this.socket.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const parsed = parseFrame(this.buffer);
      if (parsed === null) return;
      if (parsed === 'too-large') {
        this.destroy();
        return;
      }
      this.buffer = this.buffer.subarray(parsed.length);
      this.handle(parsed.fin, parsed.opcode, parsed.payload);
      if (this.closed) return;
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case Opcode.Ping:
        this.socket.write(frame(Opcode.Pong, payload));
        return;
      case Opcode.Pong:
        return;
      case Opcode.Close:
        this.close();
        return;
      case Opcode.Text:
      case Opcode.Binary:
      case Opcode.Continuation: {
        this.fragments.push(payload);
        if (!fin) return;
        const message = Buffer.concat(this.fragments).toString('utf8');
        this.fragments = [];
        this.onMessage(message, this);
        return;
      }
      default:
        this.destroy();
    }
  }
}

function parseFrame(
  buf: Buffer,
): { fin: boolean; opcode: number; payload: Buffer; length: number } | null | 'too-large' {
  if (buf.length < 2) return null;
  const b0 = buf[0] ?? 0;
  const b1 = buf[1] ?? 0;
  let len = b1 & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    const big = buf.readBigUInt64BE(2);
    if (big > BigInt(MAX_MESSAGE_BYTES)) return 'too-large';
    len = Number(big);
    offset = 10;
  }
  if (len > MAX_MESSAGE_BYTES) return 'too-large';
  const masked = (b1 & 0x80) !== 0;
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return null;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (masked)
    for (let i = 0; i < payload.length; i++)
      payload[i] = (payload[i] ?? 0) ^ (buf[maskOffset + (i % 4)] ?? 0);
  return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload, length: offset + len };
}

function frame(opcode: number, payload: Buffer): Buffer {
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([0x80 | opcode, payload.length]);
  else if (payload.length < 0x10000) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}
