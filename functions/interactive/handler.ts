import { lazyHandler } from '../../shared/http/lazy-handler';
import { wire } from './wiring';

/**
 * Interactive actions Lambda: agents comment, ask and respond on an event's source; replay;
 * questions. The composition root loads with this module; the routes, their zod schemas and the
 * operations (app.ts) with the first request.
 */
export const handler = lazyHandler(async () => (await import('./app')).app(wire));
