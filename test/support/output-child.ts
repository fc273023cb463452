/**
 * A child process for the output tests, so a test can kill or pause it: `commit <root> <staging>` commits a staged synth (with `JHM_FAULT_AFTER_STEP` and
 * `JHM_FAULT_MODE` from the environment); `locked-commit <root> <files>` stages the manifests of
 * cluster `example` found in `<files>/dist/example` and `<files>/dist-secrets/example` and commits
 * them holding the project lock, as a synth does; `lock <root>` takes the project lock, says `locked` and holds it
 * until killed.
 *
 * It runs the compiled `synth/output` (`lib/`), whether started from `lib/` (`node
 * lib/test/support/output-child.js`, `OUTPUT_CHILD` in `build.ts`) or from the sources with tsx; a
 * stale `lib/` is one line of error and exit 1 (`built.ts`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadBuilt } from './built';

const { OUTPUT_DIRS, Staging, withSynthLock } = loadBuilt<typeof import('../../synth/output')>('synth/output.ts');

async function run(): Promise<void> {
  const [what, root, dir] = process.argv.slice(2);
  if (what === 'commit') {
    Staging.open(root, dir).commit();
    process.stdout.write('committed\n');
  } else if (what === 'locked-commit') {
    await withSynthLock(root, async () => {
      const staging = new Staging(root);
      for (const kind of ['dist', 'secrets'] as const) {
        const from = path.join(dir, OUTPUT_DIRS[kind], 'example');
        staging.writeFiles(kind, 'example', new Map(fs.readdirSync(from).map((f) => [f, fs.readFileSync(path.join(from, f), 'utf8')])));
      }
      staging.prepare({ install: ['example'], kinds: ['dist', 'secrets'], retire: [] }, new Map([['example', null]]));
      staging.commit();
    });
    process.stdout.write('committed\n');
  } else if (what === 'lock') {
    await withSynthLock(root, async () => {
      process.stdout.write('locked\n');
      // Held until the test kills this process (a timer keeps node running).
      await new Promise(() => setInterval(() => undefined, 1 << 30));
    });
  } else {
    throw new Error(`unknown command ${what}`);
  }
}

void run();
