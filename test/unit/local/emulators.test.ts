import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { walSyncNormal } from '../../../bin/local/emulators';

// SQLite's PRAGMA synchronous values.
const FULL = 2;
const NORMAL = 1;
const synchronous = (db: DatabaseSync) => (db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;

describe('walSyncNormal (fauxqs SQLite without an fsync per commit)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a database switched to WAL while the emulator starts synchronous=NORMAL, and leaves others alone', async () => {
    const inWal = await walSyncNormal(() => {
      const db = new DatabaseSync(join(dir, 'a.db'));
      db.exec('PRAGMA journal_mode = WAL');
      return db;
    });
    const notWal = await walSyncNormal(() => new DatabaseSync(join(dir, 'b.db')));
    expect(synchronous(inWal)).toBe(NORMAL);
    expect(synchronous(notWal)).toBe(FULL);
    inWal.close();
    notWal.close();
  });

  it('restores DatabaseSync.exec afterwards, also when the start fails', async () => {
    const exec = DatabaseSync.prototype.exec;
    await expect(walSyncNormal(() => Promise.reject(new Error('port in use')))).rejects.toThrow('port in use');
    expect(DatabaseSync.prototype.exec).toBe(exec);
    const later = new DatabaseSync(join(dir, 'c.db'));
    later.exec('PRAGMA journal_mode = WAL');
    expect(synchronous(later)).toBe(FULL);
    later.close();
  });

  it('keeps committed rows across a reopen (what a kill -9 leaves behind: the WAL file)', async () => {
    const file = join(dir, 'd.db');
    const db = await walSyncNormal(() => {
      const d = new DatabaseSync(file);
      d.exec('PRAGMA journal_mode = WAL');
      return d;
    });
    db.exec('CREATE TABLE m (id TEXT PRIMARY KEY)');
    db.prepare('INSERT INTO m VALUES (?)').run('msg-1');
    // A second connection (as after a restart) sees the commit without a checkpoint or close.
    const reopened = new DatabaseSync(file);
    expect(reopened.prepare('SELECT id FROM m').all()).toEqual([{ id: 'msg-1' }]);
    reopened.close();
    db.close();
  });
});
