export { type CreateRedisConnectionOptions, createRedisConnection } from './connection.js';
export { type CreateJobWorkerParameters, createJobWorker, type JobHandler } from './create-job-worker.js';
export { deleteKeysWithPrefix } from './delete-keys-with-prefix.js';
export { indexChainSchedulerKey, reverifySchedulerKey } from './job-keys.js';
export { defaultJobOptions } from './job-options.js';
export {
  type CreateProducersParameters,
  createProducers,
  type JobProducers,
} from './producers.js';
export {
  createQueueAdmin,
  type FailedJobView,
  type QueueAdmin,
  type QueueCounts,
} from './queue-admin.js';
export { allQueueNames, type PayloadOf, payloadSchemas, type QueueName, queueNames } from './queue-names.js';
export { validatePayload } from './validate-payload.js';
