/**
 * Incremental synth. After a hub is synthesized, `.jhm/state/<hub>.json` records a digest of
 * everything its output depends on (hub file, secrets file, Terraform outputs file, chart lock,
 * helm binary, chart folder, this tool's code) and the sha256 of every file it wrote. A later
 * synth skips the hub when the digest is the same and the files on disk are still exactly those
 * files, so a synth with nothing changed renders nothing. `jhm synth --force` ignores the state.
 */
import * as fs from 'fs';
import * as path from 'path';
import { sha256, writeJsonAtomicSync } from '../config/files';
import { Hub } from '../config/hub';
import { readInputFile } from '../config/input-file';
import { outputsFilePath } from '../config/outputs';
import { secretsFilePath } from '../config/secrets';
import { HelmRenderer } from '../k8s/helm/render';
import { OUTPUT_DIRS } from './output';

interface HubState {
  readonly key: string;
  /** Output file (relative to the output root) → sha256. */
  readonly files: Readonly<Record<string, string>>;
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

let toolStampMemo: string | undefined;

/** Identifies this tool's code (compiled or source): names, sizes and mtimes of its modules. */
function toolStamp(): string {
  if (toolStampMemo) return toolStampMemo;
  const base = path.join(__dirname, '..');
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(js|ts|json)$/.test(e.name)) {
        const st = fs.statSync(full);
        parts.push(`${path.relative(base, full)} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  for (const d of ['config', 'infra', 'k8s', 'cli', 'imports']) if (fs.existsSync(path.join(base, d))) walk(path.join(base, d));
  toolStampMemo = sha256(parts.join('\n'));
  return toolStampMemo;
}

/** Digest of every input of `hub`'s output. */
export async function hubInputKey(root: string, hub: Hub, renderer: HelmRenderer, secretsMode: string): Promise<string> {
  const helm = await renderer.helm();
  const st = fs.statSync(helm.path);
  return sha256(
    JSON.stringify({
      format: 1,
      tool: toolStamp(),
      hub: readOrNull(path.join(root, hub.source)) ?? hub.source,
      // Bounded and typed like every read of a user's file (a FIFO or /dev/zero is refused).
      secrets: readInputFile(secretsFilePath(root, hub.name), path.relative(root, secretsFilePath(root, hub.name)))?.text ?? null,
      secretsMode,
      outputs: readOrNull(outputsFilePath(root, hub.name)),
      lock: readOrNull(renderer.settings.lockFile),
      chartsDir: renderer.settings.chartsDir ?? null,
      helm: [helm.path, st.size, st.mtimeMs],
    }),
  );
}

function outputFiles(outRoot: string, hub: string): string[] {
  const files: string[] = [];
  for (const dir of Object.values(OUTPUT_DIRS)) {
    const full = path.join(outRoot, dir, hub);
    if (!fs.existsSync(full)) continue;
    for (const f of fs.readdirSync(full)) if (f !== '.terraform.lock.hcl') files.push(path.join(dir, hub, f));
  }
  return files.sort();
}

/** The recorded state of the hubs under one output root. */
export class SynthState {
  private readonly dir: string;

  constructor(private readonly outRoot: string) {
    this.dir = path.join(outRoot, '.jhm', 'state');
  }

  /** True when `hub` was synthesized from inputs with digest `key` and its files are untouched. */
  public upToDate(hub: string, key: string): boolean {
    const text = readOrNull(path.join(this.dir, `${hub}.json`));
    if (text === null) return false;
    let state: HubState;
    try {
      state = JSON.parse(text) as HubState;
    } catch {
      return false;
    }
    if (state.key !== key) return false;
    const files = outputFiles(this.outRoot, hub);
    const recorded = Object.keys(state.files).sort();
    if (files.length !== recorded.length || files.some((f, i) => f !== recorded[i])) return false;
    return files.every((f) => sha256(fs.readFileSync(path.join(this.outRoot, f))) === state.files[f]);
  }

  /** Records that `hub`'s current output files come from inputs with digest `key`. */
  public record(hub: string, key: string): void {
    const files = Object.fromEntries(outputFiles(this.outRoot, hub).map((f) => [f, sha256(fs.readFileSync(path.join(this.outRoot, f)))]));
    writeJsonAtomicSync(path.join(this.dir, `${hub}.json`), { key, files });
  }

  public forget(hub: string): void {
    fs.rmSync(path.join(this.dir, `${hub}.json`), { force: true });
  }
}
