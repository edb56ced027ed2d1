import type { QueueAdmin } from '@xmargin/jobs';
import type { EngineContext } from '../../context.js';
import type { MarginEventHub } from '../../stream/margin-events.js';
import type { App } from '../app.js';
import { accountRoutes } from './accounts.js';
import { adminRoutes } from './admin.js';
import { attestationRoutes } from './attestations.js';
import { marginRoutes } from './margin.js';
import { marketDataRoutes } from './market-data.js';
import { positionRoutes } from './positions.js';
import { streamRoutes } from './stream.js';
import { stressRunRoutes } from './stress-runs.js';

export interface RouteDeps {
  readonly ctx: EngineContext;
  readonly queueAdmin: QueueAdmin;
  readonly hub: MarginEventHub;
}

/** Every /v1 route, grouped by resource. */
export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  for (const routes of [accountRoutes, positionRoutes, marketDataRoutes, attestationRoutes, marginRoutes]) {
    routes(deps.ctx)(app);
  }
  streamRoutes(deps.ctx, deps.hub)(app);
  adminRoutes(deps.ctx, deps.queueAdmin)(app);
  stressRunRoutes(deps.ctx)(app);
}
