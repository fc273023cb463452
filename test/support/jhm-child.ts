/**
 * `jhm` as a child process, as `bin/jhm` runs it: with its signal handlers, so tests can signal a
 * command at any point. It runs the compiled CLI (`lib/cli/main.js`, one file per source, so a test
 * can also see which of jhm's modules load), whether started from `lib/` (`node
 * lib/test/support/jhm-child.js`, `JHM_CHILD`) or from the sources with tsx; a stale `lib/` is one
 * line of error and exit 1 (`built.ts`).
 */
import { loadBuilt } from './built';

loadBuilt<typeof import('../../cli/main')>('cli/main.ts').run();
