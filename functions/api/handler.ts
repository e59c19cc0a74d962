import { apiHandler } from '../../shared/http/api-handler';
import { operations } from './operations';
import { wire } from './wiring';

/** The management API Lambda: the route table's `api` routes. */
export const handler = apiHandler('api', operations, wire);
