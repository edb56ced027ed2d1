import type { QueueAdmin } from '@xmargin/jobs';
import type { EngineContext } from '../../context.js';
import type { MarginEventHub } from '../../stream/margin-events.js';
import type { App } from '../app.js';
import { accountRoutes } from './accounts.js';
import { adminRoutes } from './admin.js';
import { adminBookRoutes } from './admin-book.js';
import { adminJobRoutes } from './admin-jobs.js';
import { adminSessionRoutes } from './admin-session.js';
import { attestationRoutes } from './attestations.js';
import { dynamicParamsRoutes } from './dynamic-params.js';
import { grantRoutes } from './grants.js';
import { liquidationRoutes } from './liquidations.js';
import { marginRoutes } from './margin.js';
import { marginOperationsRoutes } from './margin-operations.js';
import { marketDataRoutes } from './market-data.js';
import { positionRoutes } from './positions.js';
import { settlementRoutes } from './settlement.js';
import { streamRoutes } from './stream.js';
import { stressRunRoutes } from './stress-runs.js';
import { webhookRoutes } from './webhooks.js';

export interface RouteDeps {
  readonly ctx: EngineContext;
  readonly queueAdmin: QueueAdmin;
  readonly hub: MarginEventHub;
}

/** Every /v1 route, grouped by resource. */
export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  for (const routes of [
    accountRoutes,
    grantRoutes,
    positionRoutes,
    marketDataRoutes,
    attestationRoutes,
    marginRoutes,
    settlementRoutes,
  ]) {
    routes(deps.ctx)(app);
  }
  streamRoutes(deps.ctx, deps.hub)(app);
  adminRoutes(deps.ctx, deps.queueAdmin)(app);
  marginOperationsRoutes(deps.ctx)(app);
  liquidationRoutes(deps.ctx)(app);
  adminBookRoutes(deps.ctx)(app);
  adminJobRoutes(deps.ctx)(app);
  adminSessionRoutes()(app);
  dynamicParamsRoutes(deps.ctx.store)(app);
  stressRunRoutes(deps.ctx)(app);
  webhookRoutes(deps.ctx)(app);
}
