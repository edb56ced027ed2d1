import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * Registers prom-client's default process metrics on a registry: CPU (`process_cpu_*`), memory and heap
 * (`process_resident_memory_bytes`, `nodejs_heap_size_*`), event-loop lag (`nodejs_eventloop_lag_*`),
 * GC, handles, file descriptors. Unprefixed, the names dashboards expect.
 */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
}
