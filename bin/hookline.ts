/** `hookline`: the CLI (npx hookline ..., reads HOOKLINE_URL and HOOKLINE_KEY). */
import { runCli } from '../shared/cli/program';

const abort = new AbortController();
process.on('SIGINT', () => abort.abort());
runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  env: process.env,
  signal: abort.signal,
}).then((code) => process.exit(code));
