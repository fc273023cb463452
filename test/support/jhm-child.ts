/**
 * `jhm` as a child process from the TypeScript sources (run with `node --import tsx`), as
 * `bin/jhm` runs it: with its signal handlers, so tests can signal a command at any point.
 */
import { run } from '../../cli/main';

run();
