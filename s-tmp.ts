(globalThis as any).PROF = { eval: 0, liq: 0, changed: 0, settle: 0 };
process.env.XMARGIN_BENCH_ACCOUNTS = '2000';
await import('./packages/risk/bench/contagion.ts');
console.log((globalThis as any).PROF);
