// `pnpm demo [--once]`: the whole system on loopback with a seeded book (see README "Demo").
import { parseArgs } from 'node:util';
import { ensureConsoleBuild } from './demo/console-build.js';
import { demoEngineTail, runDemo } from './demo/run-demo.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { once: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
const out = (text: string) => process.stdout.write(text);
if (values.help) {
  out(
    'usage: pnpm demo [--once]\n  --once  seed, print the tables, apply the shock, then stop everything and exit\n',
  );
  process.exit(0);
}

// The one environment variable the demo reads: an existing Redis to use instead of starting one.
const env: { REDIS_URL?: string } = process.env;

let stopDemo: (() => Promise<void>) | undefined;
let stopping: Promise<void> | undefined;
const shutdown = (code: number) => {
  stopping ??= (async () => {
    const force = setTimeout(() => process.exit(code === 0 ? 1 : code), 30_000);
    force.unref();
    await stopDemo?.().catch((err: unknown) => process.stderr.write(`cleanup failed: ${String(err)}\n`));
    process.exit(code);
  })();
  return stopping;
};
process.on('SIGINT', () => {
  out('\nstopping (Ctrl-C)...\n');
  void shutdown(0);
});
process.on('SIGTERM', () => void shutdown(0));

try {
  if (!values.once) ensureConsoleBuild(out);
  const demo = await runDemo({ once: values.once, redisUrl: env.REDIS_URL, out }, (stop) => {
    stopDemo = stop;
  });
  if (values.once) {
    out('\n--once: stopping everything\n');
    await shutdown(0);
  } else {
    out(
      `\nEngine API: ${demo.engineUrl}/v1   (OpenAPI docs: ${demo.engineUrl}/docs)\n` +
        `Admin key:  ${demo.adminKey}\n` +
        `Protocol key (${demo.protocol}): ${demo.protocolKey}\n` +
        `Console:    ${demo.engineUrl}/console/#key=${demo.adminKey}\n` +
        `Relayer:    ${demo.relayerOpsUrl ?? '-'}/metrics\n` +
        `Try: curl -H "authorization: Bearer ${demo.adminKey}" ${demo.engineUrl}/v1/accounts/acc_alpha/margin\n` +
        `     curl -H "authorization: Bearer ${demo.protocolKey}" "${demo.engineUrl}/v1/accounts?maxMaintenanceExcess=0"\n` +
        '\nRunning until Ctrl-C.\n',
    );
  }
} catch (err) {
  process.stderr.write(`\ndemo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  if (err instanceof Error && err.cause instanceof Error)
    process.stderr.write(`cause: ${err.cause.message}\n`);
  const tail = demoEngineTail();
  if (tail !== '') process.stderr.write(`--- engine output (last lines) ---\n${tail}\n`);
  await shutdown(1);
}
