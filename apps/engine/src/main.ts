import { parseArgs } from 'node:util';
import { createLogger } from '@xmargin/ops';
import { createEngine, type Engine, type EngineRole } from './create-engine.js';
import { loadEnv } from './env.js';

// `pnpm --filter @xmargin/engine start -- --role api|worker|all`
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { role: { type: 'string', default: 'all' } },
});
const role = values.role as EngineRole;
if (!['api', 'worker', 'all'].includes(role)) {
  process.stderr.write(`unknown --role ${role} (expected api, worker or all)\n`);
  process.exit(2);
}

const env = loadEnv();
// Structured JSON lines on stdout (pino), credentials censored; see README "Operations".
const logger = createLogger({ level: env.LOG_LEVEL, base: { service: 'engine', role } });
let engine: Engine;
try {
  engine = await createEngine({ env, role, logger });
} catch (err) {
  // Redis or Postgres unreachable for the whole start-up bound, or a bad configuration: one clear line
  // (pino's final write is synchronous), then a non-zero exit rather than a stack trace or a hang.
  logger.fatal(
    { err },
    `engine did not start: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
  );
  process.exit(1);
}
if (engine.app) {
  const url = await engine.listen();
  // Always printed (whatever LOG_LEVEL): supervisors and the bench read the bound URL from it.
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), msg: 'engine listening', role, url })}\n`,
  );
} else {
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), msg: 'engine workers started', role, ops: engine.opsUrl })}\n`,
  );
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  // Always printed, like the start line: supervisors see why the process ends.
  process.stdout.write(
    `${JSON.stringify({ level: 30, time: Date.now(), msg: 'shutting down', role, signal })}\n`,
  );
  const force = setTimeout(() => process.exit(1), 30_000);
  force.unref();
  await engine.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
