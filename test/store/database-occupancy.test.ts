/** Restore refuses while anything has the database open: an idle connection in another process counts too. */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseOccupancy } from '../../src/store/backup.js';
import { openDb } from '../../src/store/db.js';
import { ROOT, spawnTracked } from '../helpers/child-processes.js';

describe('database occupancy', () => {
  it('sees another process holding the database open but idle between transactions, and nobody once it exits', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'offerline-occupancy-')), 'offerline.db');
    openDb(file).close();
    // Opens the database, reads once, says so, then sits idle (no transaction) until told to go.
    const holder = spawnTracked(process.execPath, ['-e', `
      const db = new (require('better-sqlite3'))(process.argv[1]);
      db.prepare('SELECT 1').get();
      process.stdout.write('open\\n');
      process.stdin.on('data', () => { db.close(); process.exit(0); });
    `, file], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const [first] = (await once(holder.stdout!, 'data')) as [Buffer];
    expect(first.toString()).toContain('open');
    expect(databaseOccupancy(file)).toEqual({ inUse: true });
    expect(databaseOccupancy(file)).toEqual({ inUse: true });
    holder.stdin!.write('go\n');
    await once(holder, 'exit');
    expect(databaseOccupancy(file)).toEqual({ inUse: false });
  });
});
