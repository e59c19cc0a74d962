import { apiHandler } from '../../shared/http/api-handler';
import { managementForTenant } from '../../shared/usecases/tenant-scope';
import { operations } from './operations';
import { wire } from './wiring';

/** The management API Lambda: the route table's `api` routes. */
export const handler = apiHandler('api', operations, wire, managementForTenant);
