/** What a CLI command may touch: its output streams, the environment, fetch, and a stop signal (injected for tests). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  /** Stops `events tail` and `listen` (Ctrl-C in a terminal). */
  signal?: AbortSignal;
}
