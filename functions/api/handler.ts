import { lazyHandler } from '../../shared/http/lazy-handler';
import { wire } from './wiring';

/**
 * The management API Lambda: the route table's `api` routes. The composition root (SDK clients)
 * loads with this module; the route table, its zod schemas and the operations (app.ts) with the
 * first request.
 */
export const handler = lazyHandler(async () => (await import('./app')).app(wire));
