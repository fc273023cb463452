/**
 * A stand-in for a jhm process in the signal tests (run with `node --import tsx`): it installs
 * jhm's signal handling (`exitOnSignals`, as `bin/jhm` does) and runs a child that reports the
 * signals it gets, either as a Terraform step (`step`: `runProcess` with `shieldSignals`) or as
 * `jhm terraform` runs one (`passthrough`: the terminal's streams). The child writes
 * `child: ready` once it listens, and `child: SIGTERM` when one reaches it.
 */
import { exitOnSignals } from '../../../base/signals';
import { runProcess } from '../../../base/process';
import { Terraform } from '../../../cli/tools/terraform';

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
