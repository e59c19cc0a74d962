import { EnvError, loadEnv, requiredEnv } from '../../shared/env';

const localEnv = {
  CONFIG_TABLE: 'cfg',
  EVENTS_TABLE: 'evt',
  TASKS_TABLE: 'tsk',
  DELIVERIES_TABLE: 'dlv',
  QUESTIONS_TABLE: 'q',
  ACTIONS_TABLE: 'act',
  EVENTS_QUEUE_URL: 'http://q/events',
  EVENTS_DLQ_URL: 'http://q/events-dlq',
  ACTIONS_QUEUE_URL: 'http://q/actions',
  ACTIONS_DLQ_URL: 'http://q/actions-dlq',
  DELIVERIES_QUEUE_URL: 'http://q/deliveries',
  DELIVERIES_DLQ_URL: 'http://q/deliveries-dlq',
  TASKS_TOPIC_ARN: 'arn:tasks',
  ALERTS_TOPIC_ARN: 'arn:alerts',
  CONFIG_BUCKET: 'config',
  PAYLOADS_BUCKET: 'payloads',
};

describe('a function environment typed from the resource manifest', () => {
  it('holds only what the function was granted, even when more is set', () => {
    const { resources } = loadEnv('importer', localEnv);
    expect(resources).toEqual({ tables: { config: 'cfg' }, queues: {}, dlqs: {}, topics: {}, buckets: { config: 'config' } });
    // @ts-expect-error: the importer was not granted the events table, so this does not compile.
    expect(resources.tables.events).toBeUndefined();
  });

  it('carries the dead-letter queues only where the manifest asks for them', () => {
    expect(loadEnv('api', localEnv).resources.dlqs).toEqual({ events: 'http://q/events-dlq', actions: 'http://q/actions-dlq', deliveries: 'http://q/deliveries-dlq' });
    expect(loadEnv('consumer', localEnv).resources.topics).toEqual({ tasks: 'arn:tasks' });
    // @ts-expect-error: the consumer may not publish to the alerts topic.
    expect(loadEnv('consumer', localEnv).resources.topics.alerts).toBeUndefined();
  });

  it('names every missing variable at cold start', () => {
    expect(() => loadEnv('receiver', {})).toThrow(EnvError);
    expect(() => loadEnv('receiver', {})).toThrow(requiredEnv('receiver').map((n) => `${n} is required`).join('; '));
  });
});
