/**
 * The parts of the SSM SDK Hookline uses. Only ssm-console-location.ts imports this module, with a
 * dynamic import on first use: the api function reads SSM only when a portal link is minted, so
 * the SSM client is bundled but not loaded or evaluated at cold start.
 */
export { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
