/**
 * The cdk8s side of one cluster: an app (`ClusterApp`) with a chart per apply wave (`k8s/waves.ts`;
 * a per-hub wave has one chart per hub) holding the objects the rendered Helm releases produce and
 * the constructs of the objects jhm writes itself (the Namespaces, the ClusterIssuers), each object
 * annotated with its wave. Synthesizing the app gives the files of `dist/<cluster>/` and
 * `dist-secrets/<cluster>/` (a hub file in today's format is one hub on its own cluster).
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { Cluster } from '../model/cluster';
import { Hub, hubReleases } from '../model/hub';
import { K8sObject } from './helm/types';
import { ManifestFilesWithObjects, manifestFiles } from './manifest-files';
import { ownerLabels } from './ownership';
import { LetsEncryptIssuers } from './platform/cluster-issuers';
import { Namespace } from './platform/namespace';
import { SYNC_WAVE_ANNOTATION, syncWave, Wave, WAVE_ORDER, WaveName, waveFileName, WAVES } from './waves';

/** One Helm release after rendering, and the wave it belongs to. */
export interface RenderedRelease {
  /** The wave the release's objects are applied in (its CRDs go to the CRD wave). */
  readonly wave: WaveName;
  readonly release: string;
  readonly namespace: string;
  readonly objects: readonly K8sObject[];
  /** The hub a release of a per-hub wave (JupyterHub) belongs to; may be left out on a cluster with one hub. */
  readonly hub?: string;
}

export interface ClusterManifestsProps {
  /** The cluster the manifests are for. */
  readonly cluster: Cluster;
  /** The hubs on it, in order (their per-hub files come in this order). */
  readonly hubs: readonly Hub[];
  /** The rendered releases: the platform's once, each hub's JupyterHub (with `hub`), in any order. */
  readonly releases: readonly RenderedRelease[];
}

/** A chart for one wave (of one hub, for a per-hub wave on a cluster file); objects keep the namespace they were given. */
export class WaveChart extends Chart {
  /** The file the chart becomes (`waveFileName`). */
  public readonly fileName: string;

  constructor(
    scope: Construct,
    public readonly wave: Wave,
    /** The hub of a per-hub wave's chart on a cluster file. */
    public readonly hub?: Hub,
  ) {
    // No `namespace` prop: cdk8s would stamp it on cluster-scoped objects too.
    super(scope, hub ? `${wave.id}-${hub.name}` : wave.id, { disableResourceNameHashes: true });
    this.fileName = waveFileName(wave, hub?.name);
  }
}

/**
 * All manifests of one cluster, as cdk8s charts in apply order: the platform waves once, and a
 * chart per hub for each per-hub wave (where the cluster's outputs do not carry the hub's name,
 * `cluster.naming.hubNamed`, the one hub's chart keeps the wave's own id and file). Namespaces are created for every
 * namespace an object uses; CRDs of every release move to the CRD wave; every object carries the
 * Argo CD sync-wave annotation of its wave and jhm's ownership labels (`ownership.ts`).
 */
export class ClusterManifests extends Construct {
  /** Charts in apply order. */
  public readonly charts: readonly WaveChart[];

  constructor(scope: Construct, id: string, props: ClusterManifestsProps) {
    super(scope, id);
    const { cluster, hubs } = props;
    const charts: WaveChart[] = [];
    const platform = new Map<WaveName, WaveChart>();
    const perHub = new Map<string, WaveChart>();
    // The hub of each per-hub chart (a chart without the hub's name has no `hub` but one hub all the same).
    const hubOf = new Map<WaveChart, string>();
    for (const w of WAVE_ORDER) {
      if (!w.perHub) {
        const c = new WaveChart(this, w);
        platform.set(w.name, c);
        charts.push(c);
        continue;
      }
      for (const hub of hubs) {
        const c = new WaveChart(this, w, cluster.naming.hubNamed ? hub : undefined);
        perHub.set(`${w.name}/${hub.name}`, c);
        hubOf.set(c, hub.name);
        charts.push(c);
      }
    }
    const chartOf = (wave: WaveName, release: RenderedRelease): WaveChart => {
      if (!WAVES[wave].perHub) return platform.get(wave)!;
      const hub = release.hub ?? (hubs.length === 1 ? hubs[0].name : undefined);
      const c = hub === undefined ? undefined : perHub.get(`${wave}/${hub}`);
      if (c === undefined) throw new Error(`release ${release.release} of wave ${wave} names no hub of cluster ${cluster.name}`);
      return c;
    };

    const namespaces = new Set<string>([cluster.certManager.namespace, cluster.ingress.namespace]);
    for (const hub of hubs) for (const r of hubReleases(hub)) namespaces.add(r.namespace);
    const ids = new Set<string>();
    const add = (target: WaveChart, obj: K8sObject): void => {
      const id = uniqueId(ids, obj);
      new ApiObject(target, id, obj);
    };
    // Releases in wave order (then by name), so the CRD wave, which gathers several releases'
    // CRDs, does not depend on the order `releases` was given in.
    const releases = [...props.releases].sort((x, y) => WAVES[x.wave].index - WAVES[y.wave].index || x.release.localeCompare(y.release));
    for (const release of releases) {
      namespaces.add(release.namespace);
      for (const obj of release.objects) {
        if (obj.kind === 'Namespace' && obj.apiVersion === 'v1') {
          namespaces.add(obj.metadata.name);
          continue;
        }
        if (obj.metadata.namespace) namespaces.add(obj.metadata.namespace);
        add(obj.kind === 'CustomResourceDefinition' ? platform.get('crds')! : chartOf(release.wave, release), obj);
      }
    }
    for (const ns of [...namespaces].sort()) new Namespace(platform.get('namespaces')!, ns, { name: ns });
    new LetsEncryptIssuers(platform.get('issuers')!, 'issuers', { email: cluster.letsEncryptEmail, ingressClassName: cluster.ingress.className });

    this.charts = charts;
    for (const c of this.charts) {
      // Top-level metadata only (`ownership.ts`): pod templates and selectors stay as rendered.
      const labels = Object.entries(ownerLabels(cluster.name, hubOf.get(c)));
      for (const o of c.node.findAll()) {
        if (!(o instanceof ApiObject)) continue;
        o.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, syncWave(c.wave));
        for (const [k, v] of labels) o.metadata.addLabel(k, v);
      }
    }
  }
}

function uniqueId(taken: Set<string>, obj: K8sObject): string {
  const base = `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`.replace(/[^A-Za-z0-9.-]+/g, '-');
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  taken.add(id);
  return id;
}

/**
 * The cdk8s app of one cluster's manifests. `synthFiles()` is its synthesis: cdk8s synthesizes
 * each chart (`Chart.toJson`: tokens resolved, the app validated, objects in dependency order), in
 * the app's chart order, and each chart becomes one file. The YAML text is jhm's own (`yamlText`,
 * see `manifest-files.ts`), not cdk8s's writer, which reads and writes YAML 1.1 (it would quote
 * `on`, `yes` or `1:20` that dist/ writes plain), writes no header and cannot keep the Secrets out
 * of `dist/`; so `synth()`, cdk8s's writer to `outdir`, is refused.
 */
export class ClusterApp extends App {
  public readonly manifests: ClusterManifests;
  private readonly source: string;

  constructor(props: ClusterManifestsProps) {
    super();
    // A hub's own cluster's source is its hub file (every header says so, as before issue 11).
    this.source = props.cluster.source;
    this.manifests = new ClusterManifests(this, props.cluster.name, props);
  }

  /** The files of `dist/<cluster>/` and `dist-secrets/<cluster>/`: one per wave chart that has objects. */
  public synthFiles(): ManifestFilesWithObjects {
    const charts = this.charts.filter((c): c is WaveChart => c instanceof WaveChart);
    return manifestFiles(
      charts.map((c) => ({ wave: c.wave, objects: c.toJson() as K8sObject[], fileName: c.fileName, source: c.hub?.source })),
      this.source,
    );
  }

  /** Refused: jhm writes the files through its journal (`synth/output.ts`), never cdk8s's writer; see `synthFiles`. */
  public override synth(): never {
    throw new Error('ClusterApp.synth(): cdk8s would write YAML 1.1 and the Secrets into its outdir; use synthFiles() (jhm commits the files itself)');
  }
}
