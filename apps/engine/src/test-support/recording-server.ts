import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly at: number;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly received: RecordedRequest[];
  close(): Promise<void>;
}

/** A webhook endpoint on loopback that records each request and answers the status `answer` gives. */
export async function startRecordingServer(answer: (r: RecordedRequest) => number): Promise<RecordingServer> {
  const received: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const r = { at: Date.now(), path: req.url ?? '/', headers: req.headers, body };
      received.push(r);
      res.writeHead(answer(r)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
