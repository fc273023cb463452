/**
 * A child process for the output tests (run with `node --import tsx`), so a test can kill or pause
 * it: `commit <root> <staging>` commits a staged synth (with `JHM_FAULT_AFTER_STEP` and
 * `JHM_FAULT_MODE` from the environment); `lock <root>` takes the project lock, says `locked` and
 * holds it until killed.
 */
import { Staging, withSynthLock } from '../../synth/output';

async function run(): Promise<void> {
  const [what, root, dir] = process.argv.slice(2);
  if (what === 'commit') {
    Staging.open(root, dir).commit();
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
