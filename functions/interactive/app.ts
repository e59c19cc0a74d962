import { apiHandler } from '../../shared/http/api-handler';
import type { InteractiveDeps } from '../../shared/usecases/interactive';
import { operations } from './operations';

/** The interactive function's routes, validation and use cases; handler.ts loads this on the first request. */
export const app = (wire: () => InteractiveDeps) => apiHandler('interactive', operations, wire);
