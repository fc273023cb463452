/**
 * The cdk8s side of one hub: a chart per apply wave (namespaces, CRDs, cert-manager, ingress
 * controller, ClusterIssuers, JupyterHub) holding the objects that the rendered Helm releases
 * and the typed constructs produce, each object annotated with its wave.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Hub, hubReleases } from '../config/hub';
import { K8sObject } from './helm/types';
import { LetsEncryptIssuers } from './platform/cluster-issuers';
import { SYNC_WAVE_ANNOTATION, Wave, WAVE_ORDER, WaveName, WAVES } from './waves';

/** One Helm release after rendering, and the wave it belongs to. */
export interface RenderedRelease {
  /** The wave the release's objects are applied in (its CRDs go to the CRD wave). */
  readonly wave: WaveName;
  readonly release: string;
  readonly namespace: string;
  readonly objects: readonly K8sObject[];
}

export interface HubManifestsProps {
  /** The hub the manifests are for. */
  readonly hub: Hub;
  /** The rendered releases (cert-manager, ingress controller, JupyterHub), in any order. */
  readonly releases: readonly RenderedRelease[];
}

/** A chart for one wave; objects keep the namespace they were given (see `HubManifests`). */
export class WaveChart extends Chart {
  constructor(scope: Construct, public readonly wave: Wave) {
    // No `namespace` prop: cdk8s would stamp it on cluster-scoped objects too.
    super(scope, `${String(wave.index).padStart(2, '0')}-${wave.stem}`, { disableResourceNameHashes: true });
  }
}

/**
 * All manifests of one hub, as cdk8s charts in apply order. Namespaces are created for every
 * namespace an object uses; CRDs of every release move to the CRD wave; every object carries
 * the Argo CD sync-wave annotation of its wave.
 */
export class HubManifests extends Construct {
  /** Charts in apply order. */
  public readonly charts: readonly WaveChart[];

  constructor(scope: Construct, id: string, props: HubManifestsProps) {
    super(scope, id);
    const { hub } = props;
    const chart = new Map<WaveName, WaveChart>();
    for (const name of Object.keys(WAVES) as WaveName[]) chart.set(name, new WaveChart(this, WAVES[name]));

    const namespaces = new Set<string>(hubReleases(hub).map((r) => r.namespace));
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
        add(chart.get(obj.kind === 'CustomResourceDefinition' ? 'crds' : release.wave)!, obj);
      }
    }
    for (const ns of [...namespaces].sort()) {
      add(chart.get('namespaces')!, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    new LetsEncryptIssuers(chart.get('issuers')!, 'issuers', { email: hub.letsEncryptEmail, ingressClassName: hub.ingress.className });

    this.charts = WAVE_ORDER.map((w) => [...chart.values()].find((c) => c.wave === w)!);
    for (const c of this.charts) {
      for (const o of c.node.findAll()) {
        if (o instanceof ApiObject) o.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(c.wave.index));
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

/** A fresh cdk8s app holding the manifests of `hub` (the app is never synthesized to disk by cdk8s). */
export function buildHubManifests(props: HubManifestsProps): HubManifests {
  const app = new App({ outdir: '/nonexistent-cdk8s-outdir' });
  return new HubManifests(app, props.hub.name, props);
}
