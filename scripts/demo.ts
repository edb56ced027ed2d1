// `pnpm demo`: replaced by the full demo (devnets, guardians, engine, relayer, seeded book) in its issue.
process.stdout.write('xmargin demo: not available yet (lands with the relayer/demo issue).\n');
