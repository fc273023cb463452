/**
 * The apply waves of a hub's manifests, as one table. Everything about a wave derives from its
 * row, and nothing else spells a wave's number, file name or title (a test greps the source):
 *
 * - the files: each wave is one file, `dist/<cluster>/<NN>-<stem>.yaml` (and its Secrets
 *   `dist-secrets/<cluster>/<NN>-<stem>.yaml`), numbered in apply order, which the folder's
 *   kustomization lists them in (`k8s/kustomization.ts`: its order derives from this table); a wave
 *   of each hub (`perHub`) is one file per hub, `<NN>-<stem>-<hub>.yaml`, on a cluster file (the
 *   own cluster of a hub file in today's format keeps `<NN>-<stem>.yaml`), see `waveFileName`;
 * - the Argo CD sync-wave annotation every object carries, so a GitOps tool applies them in the
 *   same order (`k8s/hub-manifests.ts`);
 * - the stages of `jhm apply` and what each waits for (`cli/tools/apply-waves.ts`), and the stage
 *   list of `jhm apply --help` (`applyStagesHelp`).
 *
 * The row's position is the wave's number. This module imports nothing: `jhm --help` loads it.
 */

/** What `jhm apply` waits for once every wave of a stage is applied. */
export type WaveWait =
  /** Nothing: the next stage starts at once. */
  | { readonly kind: 'none' }
  /** `kubectl wait --for=condition=Established` on the CRDs of the wave's file. */
  | { readonly kind: 'crds-established'; readonly help: string }
  /** `kubectl rollout status` on the objects of these kinds in the wave's file. */
  | { readonly kind: 'rollout'; readonly kinds: readonly string[]; readonly help: string };

/** One row of the table, as written below. */
interface WaveRow {
  /** Key in `WAVES`. */
  readonly name: string;
  /** File stem: `<NN>-<stem>.yaml`. */
  readonly stem: string;
  /** What the wave holds: file headers, `jhm apply`'s progress and errors. */
  readonly title: string;
  /** Short name in a stage's title (`jhm apply`'s progress line and --help). */
  readonly label: string;
  /** The `jhm apply` stage (1-based) the wave is applied in; stages apply their waves in table order. */
  readonly stage: number;
  /**
   * Only cluster-scoped objects that need nothing else of the same stage: a stage made only of
   * such waves is applied by one `kubectl apply`.
   */
  readonly clusterScoped: boolean;
  /**
   * The wave's release renders Secrets: `jhm apply` applies them from `dist-secrets/<hub>/` just
   * before the wave's own file, and the stage's title says so. (A Secrets file of any other wave
   * but the namespaces is applied the same way, unnamed.)
   */
  readonly secrets: boolean;
  /**
   * One release per hub (JupyterHub): one file per hub of the cluster. The other waves are the
   * cluster's platform, written once per cluster.
   */
  readonly perHub: boolean;
  /** What `jhm apply` waits for after the wave's stage is applied. */
  readonly wait: WaveWait;
}

/** The waves, in apply order. */
const TABLE = [
  { name: 'namespaces', stem: 'namespaces', title: 'namespaces', label: 'namespaces', stage: 1, clusterScoped: true, secrets: false, perHub: false, wait: { kind: 'none' } },
  {
    name: 'crds',
    stem: 'crds',
    title: 'custom resource definitions',
    label: 'CRDs',
    stage: 1,
    clusterScoped: true,
    secrets: false,
    perHub: false,
    wait: { kind: 'crds-established', help: 'the CRDs are Established' },
  },
  {
    name: 'certManager',
    stem: 'cert-manager',
    title: 'cert-manager',
    label: 'cert-manager',
    stage: 2,
    clusterScoped: false,
    secrets: false,
    perHub: false,
    // Its webhook must answer before a ClusterIssuer can be created.
    wait: { kind: 'rollout', kinds: ['Deployment'], help: "cert-manager's Deployments are available (its webhook admits the ClusterIssuers)" },
  },
  {
    name: 'ingress',
    stem: 'ingress-controller',
    title: 'ingress controller',
    label: 'ingress controller',
    stage: 2,
    clusterScoped: false,
    secrets: false,
    perHub: false,
    // It must run before JupyterHub's Ingress gets an address; it may run as a DaemonSet.
    wait: { kind: 'rollout', kinds: ['Deployment', 'DaemonSet'], help: "the ingress controller's Deployments and DaemonSets are available" },
  },
  { name: 'issuers', stem: 'cluster-issuers', title: "Let's Encrypt ClusterIssuers", label: 'ClusterIssuers', stage: 3, clusterScoped: true, secrets: false, perHub: false, wait: { kind: 'none' } },
  {
    name: 'jupyterhub',
    stem: 'jupyterhub',
    title: 'JupyterHub',
    label: 'JupyterHub',
    stage: 3,
    clusterScoped: false,
    secrets: true,
    perHub: true,
    // Not its image-puller DaemonSets: they pull the (large) user images on every node.
    wait: { kind: 'rollout', kinds: ['Deployment'], help: "JupyterHub's Deployments are available" },
  },
] as const satisfies readonly WaveRow[];

export type WaveName = (typeof TABLE)[number]['name'];

/** One apply wave: its row of the table and what derives from it. */
export interface Wave extends WaveRow {
  readonly name: WaveName;
  /** Position in the apply order: the file's number and the sync-wave value. */
  readonly index: number;
  /** `<NN>-<stem>`: the file name without `.yaml`, and the wave's cdk8s chart id. */
  readonly id: string;
  /** `<NN>-<stem>.yaml`, in `dist/<hub>/` and `dist-secrets/<hub>/`. */
  readonly fileName: string;
}

/** All waves in apply order. */
export const WAVE_ORDER: readonly Wave[] = TABLE.map((row, index) => {
  const id = `${String(index).padStart(2, '0')}-${row.stem}`;
  return Object.freeze({ ...row, index, id, fileName: `${id}.yaml` });
});

/**
 * The file of `wave` in `dist/<cluster>/` (and `dist-secrets/<cluster>/`): `<NN>-<stem>.yaml`, or
 * for a wave of each hub on a cluster file `<NN>-<stem>-<hub>.yaml` (`hub` given). The own
 * cluster of a hub file in today's format passes no hub (`Cluster.naming.hubNamed`) and keeps `<NN>-<stem>.yaml`.
 */
export function waveFileName(wave: Wave, hub?: string): string {
  if (hub === undefined || !wave.perHub) return wave.fileName;
  return `${wave.id}-${hub}.yaml`;
}

/**
 * The wave (and hub, for a per-hub file on a cluster file) of a file name in `dist/<cluster>/`,
 * or undefined for a name no wave writes.
 */
export function waveOfFile(fileName: string): { readonly wave: Wave; readonly hub?: string } | undefined {
  for (const wave of WAVE_ORDER) {
    if (fileName === wave.fileName) return { wave };
    if (wave.perHub && fileName.startsWith(`${wave.id}-`) && fileName.endsWith('.yaml')) {
      const hub = fileName.slice(wave.id.length + 1, -'.yaml'.length);
      if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(hub)) return { wave, hub };
    }
  }
  return undefined;
}

/** The waves by name. */
export const WAVES = Object.fromEntries(WAVE_ORDER.map((w) => [w.name, w])) as { readonly [N in WaveName]: Wave };

/** Annotation Argo CD reads for ordering; its value is the wave's number. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** The value of `SYNC_WAVE_ANNOTATION` on the objects of `wave`. */
export function syncWave(wave: Wave): string {
  return String(wave.index);
}

/** One stage of `jhm apply`: its waves, in apply order. */
export interface WaveStage {
  /** 1-based. */
  readonly number: number;
  /** The labels of its waves, with `secrets` before a wave whose Secrets are applied first. */
  readonly title: string;
  readonly waves: readonly Wave[];
  /** One `kubectl apply` for all its waves (they are all cluster-scoped). */
  readonly oneApply: boolean;
}

/** The stages of `jhm apply`, from the table's stage column. */
export const WAVE_STAGES: readonly WaveStage[] = [...new Set(WAVE_ORDER.map((w) => w.stage))].map((number) => {
  const waves = WAVE_ORDER.filter((w) => w.stage === number);
  return {
    number,
    title: waves.flatMap((w) => (w.secrets ? ['secrets', w.label] : [w.label])).join(', '),
    waves,
    oneApply: waves.every((w) => w.clusterScoped),
  };
});

/** The stage list of `jhm apply --help`: each stage's waves and what it waits for. */
export function applyStagesHelp(): string {
  const lines = [`Stages (each with --timeout):`];
  for (const stage of WAVE_STAGES) {
    lines.push(`  ${stage.number}. ${stage.title}`);
    const waits = stage.waves.flatMap((w) => (w.wait.kind === 'none' ? [] : [w.wait.help]));
    waits.forEach((help, i) => lines.push(`       ${i === 0 ? 'then wait until' : 'and'} ${help}`));
  }
  return lines.join('\n');
}
