/**
 * Test-only process: starts the same in-process emulators `npm start` uses, prints their
 * endpoints as one JSON line, and runs until it is sent SIGTERM. (fauxqs is ESM-only, so it runs
 * here under tsx rather than inside Jest's module system.)
 */
import { startEmulators } from '../../bin/local/emulators';

const dir = process.argv[2];
const emulators = await startEmulators(dir);
process.stdout.write(`${JSON.stringify({ ready: true, endpoints: emulators.endpoints })}\n`);
const stop = async () => {
  await emulators.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
