/**
 * A stand-in for a jhm process in the signal tests (`node lib/test/support/fake-tools/shield-child.js`,
 * or from the sources with tsx; either way it runs the compiled modules of `lib/`): it installs
 * jhm's signal handling (`exitOnSignals`, as `bin/jhm` does) and runs a child that reports the
 * signals it gets, either as a Terraform step (`step`: `runProcess` with `shieldSignals`) or as
 * `jhm terraform` runs one (`passthrough`: the terminal's streams). The child writes
 * `child: ready` once it listens, and `child: SIGTERM` when one reaches it.
 */
import { loadBuilt } from '../built';

const { exitOnSignals } = loadBuilt<typeof import('../../../base/signals')>('base/signals.ts');
const { runProcess } = loadBuilt<typeof import('../../../base/process')>('base/process.ts');
const { Terraform } = loadBuilt<typeof import('../../../cli/tools/terraform')>('cli/tools/terraform.ts');

const CHILD = 'process.on("SIGTERM", () => { console.error("child: SIGTERM"); process.exit(0); }); console.error("child: ready"); setInterval(() => {}, 1000);';

exitOnSignals();
const how = process.argv[2];
if (how === 'step') {
  void runProcess(process.execPath, ['-e', CHILD], { cwd: process.cwd(), timeoutMs: 60_000, output: 'stream', shieldSignals: true });
} else if (how === 'passthrough') {
  const terraform = new Terraform({ bin: process.execPath, stackDir: process.cwd(), dataDir: process.argv[3] });
  void terraform.passthrough(['-e', CHILD]).then((code) => process.stderr.write(`passthrough ended: ${code}\n`));
} else {
  throw new Error(`unknown mode ${how}`);
}
