/**
 * The suite cleans up after itself: a test that fails, or a worker that dies, leaves no service process running;
 * no command the tests run to completion can hang a worker; tests and bench read nothing outside the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, isRunning, runCommand } from './helpers/child-processes.js';
import { tempDbPath } from './helpers/test-service.js';
import { waitFor } from './helpers/wait-for.js';

/** Every TypeScript file of the tests and the bench, with its text less comments (which may name what they replace). */
function sources(): Array<{ file: string; code: string }> {
  const out: Array<{ file: string; code: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) {
        const code = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
        out.push({ file: relative(ROOT, path), code });
      }
    }
  };
  walk(join(ROOT, 'test'));
  walk(join(ROOT, 'bench'));
  return out;
}

/** The text of each call to `name(...)`, brackets balanced, in `code`. */
function calls(code: string, name: string): string[] {
  const found: string[] = [];
  for (const m of code.matchAll(new RegExp(`\\b${name}\\(`, 'g'))) {
    let depth = 0;
    let i = m.index + name.length;
    do {
      if (code[i] === '(') depth++;
      else if (code[i] === ')') depth--;
      i++;
    } while (depth > 0 && i < code.length);
    found.push(code.slice(m.index, i));
  }
  return found;
}

describe('processes the tests start', () => {
  it.each(['fail', 'crash'])('a test that ends in a %s leaves no service process behind', async (how) => {
    const pidFile = join(dirname(tempDbPath()), 'pid');
    const run = await runCommand(
      process.execPath,
      [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'test/fixtures/processes/vitest.config.ts'],
      { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PID_FILE: pidFile, HOW: how } },
    );
    expect(run.status, 'the fixture test was meant to fail').not.toBe(0);
    expect(existsSync(pidFile), `the fixture never started its service:\n${run.stdout}\n${run.stderr}`).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    try {
      await waitFor(() => !isRunning(pid), { what: `the service process ${pid} to end`, limitMs: 30_000 });
    } finally {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 240_000);
});

describe('what the tests and the bench run and read', () => {
  it('every command run to completion has a time limit, so none can hang a test worker', () => {
    const unbounded = sources().flatMap(({ file, code }) =>
      ['spawnSync', 'execSync', 'execFileSync']
        .flatMap((name) => calls(code, name))
        .filter((call) => !/\btimeout\s*:/.test(call))
        .map((call) => `${file}: ${call.slice(0, 80)}`),
    );
    expect(unbounded).toEqual([]);
  });

  it('nothing is read from outside the repository: no folder beside it, no absolute path, no climbing above the root', () => {
    const outside: string[] = [];
    for (const { file, code } of sources()) {
      if (/['"`][^'"`\n]*\.\.\/shared/.test(code)) outside.push(`${file}: a folder beside the repository`);
      // A path written out in full to somewhere on this machine, rather than found from the repository.
      for (const m of code.matchAll(/['"`](\/(?:home|work|root|tmp|mnt|srv|data|Users|var|opt)\/[^'"`\n]*)['"`]/g)) outside.push(`${file}: ${m[1]}`);
      // join(import.meta.dirname, '..', ...) may climb only as far as the repository root, and never from the root.
      const depth = file.split(sep).length - 1;
      for (const m of code.matchAll(/import\.meta\.dirname((?:\s*,\s*'\.\.')+)/g)) {
        if (m[1]!.split("'..'").length - 1 > depth) outside.push(`${file}: climbs above the repository`);
      }
      if (/\b(?:ROOT|root|projectRoot\(\))\s*,\s*'\.\.'/.test(code)) outside.push(`${file}: climbs above the repository root`);
    }
    expect(outside).toEqual([]);
  });
});
