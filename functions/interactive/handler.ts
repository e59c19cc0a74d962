import { apiHandler } from '../../shared/http/api-handler';
import { operations } from './operations';
import { wire } from './wiring';

/** Interactive actions Lambda: agents comment, ask and respond on an event's source; replay; questions. */
export const handler = apiHandler('interactive', operations, wire);
