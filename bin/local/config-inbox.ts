/**
 * The local config inbox: `DATA_DIR/config/webhooks/*.json`, read at start-up and watched while
 * `npm start` runs. Each settled file is copied to the config bucket's `config/webhooks/` prefix and
 * the importer handler gets the same EventBridge "Object Created" event S3 sends in AWS.
 * Half-written files are not read: a file is taken once its size and mtime stay the same for
 * 200 ms (or write it elsewhere and rename it in; dotfiles and non-.json names are ignored).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface InboxOptions {
  dir: string;
  s3: S3Client;
  bucket: string;
  importer: (event: { 'detail-type': string; detail: { bucket: { name: string }; object: { key: string; size: number } } }) => Promise<unknown>;
  log: (line: string) => void;
}

const settle = () => new Promise((r) => setTimeout(r, 200));

export function startConfigInbox(o: InboxOptions): { ready: Promise<void>; stop(): void } {
  mkdirSync(o.dir, { recursive: true });
  const pending = new Map<string, NodeJS.Timeout>();
  let chain = Promise.resolve();

  const take = async (name: string) => {
    const file = join(o.dir, name);
    for (let tries = 0; tries < 50; tries++) {
      if (!existsSync(file)) return;
      const a = statSync(file);
      await settle();
      if (!existsSync(file)) return;
      const b = statSync(file);
      if (a.size === b.size && a.mtimeMs === b.mtimeMs) break;
    }
    const body = readFileSync(file);
    const key = `config/webhooks/${name}`;
    await o.s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: key, Body: body, ContentType: 'application/json' }));
    await o.importer({ 'detail-type': 'Object Created', detail: { bucket: { name: o.bucket }, object: { key, size: body.length } } });
  };
  // One file at a time, in arrival order, like a queue of S3 events.
  const enqueue = (name: string) => {
    if (!name.endsWith('.json') || name.startsWith('.')) return;
    clearTimeout(pending.get(name));
    pending.set(
      name,
      setTimeout(() => {
        pending.delete(name);
        chain = chain.then(() => take(name)).catch((err) => o.log(`config inbox: ${name}: ${(err as Error).message}`));
      }, 50),
    );
  };

  let watcher: FSWatcher | undefined;
  const ready = (async () => {
    // Files written before start are not missed.
    for (const name of readdirSync(o.dir).sort()) enqueue(name);
    watcher = watch(o.dir, (_event, name) => name && enqueue(name.toString()));
  })();
  return {
    ready,
    stop() {
      watcher?.close();
      for (const t of pending.values()) clearTimeout(t);
    },
  };
}
