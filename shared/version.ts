/** Hookline's version, sent in User-Agent headers and the OpenAPI document. */
export const version = '0.1.0';
