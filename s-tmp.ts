(globalThis as any).PROF = { eval: [], liq: 0, changed: 0, settle: 0, build: 0, margin: 0, move: 0 };
process.env.XMARGIN_BENCH_ACCOUNTS = '5000';
await import('./packages/risk/bench/contagion.ts');
console.log((globalThis as any).PROF);
