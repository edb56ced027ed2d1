import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Probes by dependency name; each throws when its dependency is unusable. */
export type ReadinessProbes = Readonly<Record<string, () => Promise<void>>>;

export interface OpsServerOptions {
  readonly host: string;
  /** 0 = any free port (see `url`). */
  readonly port: number;
  readonly registry: Registry;
  /** The health document and whether it counts as healthy (200) or not (503). */
  readonly health: () => { readonly healthy: boolean; readonly body: unknown };
  /** `/readyz` runs these; without them it answers like `/healthz`. */
  readonly readiness?: ReadinessProbes;
}

/** `{ status: 'ready' | 'unready', checks }`: every probe's `ok` or its first error line. */
export async function runReadinessProbes(
  probes: ReadinessProbes,
): Promise<{ ready: boolean; body: { status: 'ready' | 'unready'; checks: Record<string, string> } }> {
  const checks: Record<string, string> = {};
  await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      try {
        await probe();
        checks[name] = 'ok';
      } catch (err) {
        checks[name] = err instanceof Error ? (err.message.split('\n')[0] ?? 'unavailable') : 'unavailable';
      }
    }),
  );
  const ready = Object.values(checks).every((c) => c === 'ok');
  return { ready, body: { status: ready ? 'ready' : 'unready', checks } };
}

const json = (body: unknown) =>
  JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * The small HTTP server of processes that serve no API (relayer, engine workers): `GET /metrics`
 * (Prometheus text), `GET /healthz` and `GET /readyz` (JSON). Nothing else, no authentication: bind it
 * to loopback or a private network.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(json(body));
    };
    if (req.method === 'GET' && path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': options.registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      const { healthy, body } = options.health();
      send(healthy ? 200 : 503, body);
      return;
    }
    if (req.method === 'GET' && path === '/readyz') {
      if (!options.readiness) {
        const { healthy, body } = options.health();
        send(healthy ? 200 : 503, body);
        return;
      }
      runReadinessProbes(options.readiness).then(
        ({ ready, body }) => send(ready ? 200 : 503, body),
        () => send(503, { status: 'unready', checks: {} }),
      );
      return;
    }
    send(404, { error: { code: 'API__NOT_FOUND', message: 'Route not found' } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
