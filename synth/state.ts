/**
 * Incremental synth. Each cluster's record (`.jhm/state/<cluster>.json`, written with its output
 * by the commit, see `output.ts`) holds a digest of everything its output depends on (cluster
 * file, every hub file and secrets file of the hubs on it, Terraform outputs file, chart lock, the
 * pin of every chart it renders (read at run time from `charts.yaml`, so a version edit is seen
 * without a build) and the digest of its archive, helm binary, chart folder, this tool's code) and
 * the sha256 of every file jhm wrote. A later synth skips the cluster when the digest is the same
 * and the files on disk are still exactly those files, so a synth with nothing changed renders
 * nothing. Chart archives are checked against the lock on every synth, skipped clusters included. `jhm synth --force` ignores the records.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostics } from '../model/diagnostics';
import { sha256 } from '../base/files';
import { CODE_DIRS } from '../base/package-root';
import type { ClusterUnit } from '../model/cluster-unit';
import { hubCharts } from '../model/hub';
import type { ChartPin } from '../model/versions';
import { readInputFile } from '../project/input-file';
import { outputsFilePath } from '../project/outputs';
import { secretsFilePath } from '../project/secrets';
import { SOPS_CONFIG } from '../project/sops';
import type { HelmRenderer } from '../k8s/helm/render';
import { listFiles, OUTPUT_DIRS, ownership, readCdktfManifest, readRecord } from './output';

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
  // Run from a bundle (lib/bundle/, scripts/bundle.ts), all the code is in the bundle's folder.
  if (path.basename(__dirname) === 'bundle') walk(__dirname);
  else for (const d of CODE_DIRS) if (fs.existsSync(path.join(base, d))) walk(path.join(base, d));
  toolStampMemo = sha256(parts.join('\n'));
  return toolStampMemo;
}

/** Archive digests checked in one synth, per renderer (several hubs share charts). */
const checked = new WeakMap<HelmRenderer, Map<string, Promise<string>>>();

/** Obtains `chart` (checking its archive against the chart lock, a `UserError` when it differs) and gives its digest. */
function verifiedDigest(renderer: HelmRenderer, chart: ChartPin): Promise<string> {
  let memo = checked.get(renderer);
  if (!memo) checked.set(renderer, (memo = new Map()));
  const key = `${chart.name}-${chart.version}`;
  let digest = memo.get(key);
  if (!digest) {
    digest = renderer.charts.obtain(chart).then((c) => c.digest);
    memo.set(key, digest);
  }
  return digest;
}

/**
 * Digest of every input of a cluster's output: the cluster file (for a hub's own cluster, its hub
 * file), every hub file and secrets file of the hubs on it, `.sops.yaml` (when there is one), its Terraform outputs file, the chart
 * lock, the pin (`charts.yaml`) and archive digest of every chart it renders; checks those chart
 * archives against the lock on the way.
 */
export async function clusterInputKey(root: string, unit: ClusterUnit, renderer: HelmRenderer, secretsMode: string): Promise<string> {
  const { cluster, hubs } = unit;
  const helm = await (await renderer.helm()).identity();
  const project = renderer.charts.pins();
  const keys = [...new Set([cluster.certManager.chart, cluster.ingress.chart, ...hubs.flatMap(hubCharts)])].sort();
  // Each chart's whole pin is in the key (a new kubeVersion or repository counts too), with its archive's digest.
  const settled = await Promise.allSettled(keys.map(async (k) => [k, project[k], await verifiedDigest(renderer, project[k])]));
  const problems = new Diagnostics();
  const charts = problems.settled(settled);
  problems.throwIfAny();
  const file = (source: string) => readOrNull(path.join(root, source)) ?? source;
  const sopsConfig = readOrNull(path.join(root, SOPS_CONFIG));
  return sha256(
    JSON.stringify({
      format: 4,
      tool: toolStamp(),
      // An owner hub's file is the cluster's too (in `hubs` already).
      cluster: cluster.naming.ownerHub !== undefined ? null : file(cluster.source),
      hubs: hubs.map((hub) => ({
        name: hub.name,
        file: file(hub.source),
        // Bounded and typed like every read of a user's file (a FIFO or /dev/zero is refused).
        secrets: readInputFile(secretsFilePath(root, hub.name), path.relative(root, secretsFilePath(root, hub.name)))?.text ?? null,
      })),
      secretsMode,
      // The recipients of the cluster's encrypted Secrets (a changed list encrypts them again); absent without the file.
      ...(sopsConfig !== null ? { sops: sopsConfig } : {}),
      outputs: readOrNull(outputsFilePath(root, cluster.name)),
      lock: readOrNull(renderer.settings.lockFile),
      charts,
      chartsDir: renderer.settings.chartsDir ?? null,
      helm,
    }),
  );
}

/** The recorded state of the hubs under one output root. */
export class SynthState {
  private manifestStacks?: Set<string>;

  constructor(private readonly outRoot: string) {}

  /**
   * True when `hub` was synthesized from inputs with digest `key` and its output is untouched: every
   * recorded file has its recorded sha256, `dist/<hub>` and `dist-secrets/<hub>` hold nothing else,
   * and `cdktf.out/manifest.json` lists its stack. Files jhm did not write in the stack folder
   * (`.terraform/`, `.terraform.lock.hcl`, state) do not count.
   */
  public upToDate(hub: string, key: string): boolean {
    const record = readRecord(this.outRoot, hub);
    if (!record || record.key !== key) return false;
    const recorded = Object.keys(record.files);
    for (const kind of ['dist', 'secrets'] as const) {
      const rel = path.join(OUTPUT_DIRS[kind], hub).split(path.sep).join('/');
      // jhm's files only: another tool's file kept in the folder (`ownership`) changes nothing.
      const onDisk = ownership(this.outRoot, record, kind, hub).owned.flatMap((name) => {
        const files = listFiles(path.join(this.outRoot, rel, name));
        return files.length > 0 ? files.map((f) => `${rel}/${name}/${f}`) : [`${rel}/${name}`];
      }).sort();
      const listed = recorded.filter((f) => f.startsWith(`${rel}/`)).sort();
      if (onDisk.length !== listed.length || onDisk.some((f, i) => f !== listed[i])) return false;
    }
    for (const f of recorded) {
      const full = path.join(this.outRoot, f);
      try {
        if (!fs.lstatSync(full).isFile() || sha256(fs.readFileSync(full)) !== record.files[f]) return false;
      } catch {
        return false;
      }
    }
    return this.inManifest(hub);
  }

  private inManifest(hub: string): boolean {
    if (!this.manifestStacks) {
      try {
        this.manifestStacks = new Set(Object.keys(readCdktfManifest(this.outRoot)?.stacks ?? {}));
      } catch {
        // a corrupt manifest: every hub is synthesized again, and the commit reports it
        this.manifestStacks = new Set();
      }
    }
    return this.manifestStacks.has(hub);
  }
}
