/**
 * The TypeScript sources below a folder (declaration files and node_modules left out), for the
 * tests that read jhm's code as text or as a syntax tree (test/architecture/).
 */
import * as fs from 'fs';
import * as path from 'path';

/** Every `.ts` file below `dir` (none when it does not exist), in directory order. */
export function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') out.push(...sourceFiles(full));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}
