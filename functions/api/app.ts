import { apiHandler } from '../../shared/http/api-handler';
import type { ManagementDeps } from '../../shared/ports';
import { managementForTenant } from '../../shared/usecases/tenant-scope';
import { operations } from './operations';

/** The api function's routes, validation and use cases; handler.ts loads this on the first request. */
export const app = (wire: () => ManagementDeps) => apiHandler('api', operations, wire, managementForTenant);
