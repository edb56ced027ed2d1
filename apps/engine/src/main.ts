import { parseArgs } from 'node:util';
import { createEngine, type EngineRole } from './create-engine.js';
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
const engine = await createEngine({ env, role });
if (engine.app) {
  const url = await engine.listen();
  // Always printed (whatever LOG_LEVEL): supervisors and the bench read the bound URL from it.
  process.stdout.write(`${JSON.stringify({ level: 30, msg: 'engine listening', role, url })}\n`);
} else {
  process.stdout.write(`${JSON.stringify({ level: 30, msg: 'engine workers started', role })}\n`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${JSON.stringify({ level: 30, msg: 'shutting down', signal })}\n`);
  const force = setTimeout(() => process.exit(1), 30_000);
  force.unref();
  await engine.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
