/**
 * The Kubernetes side for one cluster, in process: chart values from the cluster's file and its
 * hub files, each release rendered by the Helm engine (the platform's once per cluster, each
 * hub's JupyterHub), assembled with cdk8s into apply waves, and split into the files of
 * `dist/<cluster>/` and `dist-secrets/<cluster>/`.
 */
import * as fs from 'fs';
import { Diagnostic, Diagnostics, warning } from '../model/diagnostics';
import { UserError, UserErrors } from '../model/errors';
import { Cluster } from '../model/cluster';
import { kubernetesVersionField } from '../model/cluster-templates';
import type { ClusterUnit } from '../model/cluster-unit';
import { Hub } from '../model/hub';
import { resolveLoadBalancerIP } from '../project/ingress-ip';
import { HubSecrets, loadSecrets, secretsFilePath, secretValues } from '../project/secrets';
import type { ChartKey, ChartPin } from '../model/versions';
import { HelmRenderer, RenderInputError } from './helm/render';
import { chartValuesFiles } from './helm/chart-files';
import { chartValuesErrors, mergeValues, overrideNotes } from './chart-values';
import type { ChartValuesInput } from '../model/chart-values';
import type { K8sObject } from './helm/types';
// cdk8s (through hub-manifests) is loaded once the renders are under way, see ClusterApp below.
import type { RenderedRelease } from './hub-manifests';
import { jupyterhubValues } from './jupyterhub/values';
import { homeNfsNames, homeNfsValues, homesObjects, sharedStorage } from './jupyterhub/home-nfs';
import { homeBackupObjects } from './jupyterhub/home-backup';
import { readHomeVolumeId } from '../project/outputs';
import { STORAGE_FIELD } from '../model/storage';
import { splitHubValues } from './jupyterhub/readable-values';
import { isSecret, ManifestFiles } from './manifest-files';
import { assertPreflight } from './preflight';
import { fillSecretFiles, placeholderSecrets, placeholdersIn, placeholdersInPlace, SecretPlace, secretInRenderedText, secretPlaces, substitution } from './secret-placeholders';
import { certManagerRelease, ingressControllerRelease } from './platform/ingress-controller';
import { isUnusedCrd } from './platform/release';
import { WAVE_ORDER, WaveName, waveFileName } from './waves';

/** Kinds defined by CRDs this tool installs that are cluster-scoped. */
const CLUSTER_SCOPED_CUSTOM_KINDS = ['ClusterIssuer'];

/** What the Kubernetes side produced for one cluster: its platform once, and every hub on it. */
export interface ClusterManifestResult {
  readonly cluster: Cluster;
  /** The hubs on the cluster, in order. */
  readonly hubs: readonly Hub[];
  /** The files of `dist/<cluster>/` and `dist-secrets/<cluster>/` (without the Secrets of hubs whose secrets file was not read). */
  readonly files: ManifestFiles;
  /** The files of each hub's own waves (hub name → file names), in `dist/<cluster>/` and among the Secrets files. */
  readonly hubFiles: ReadonlyMap<string, readonly string[]>;
  /** Every Secrets file of the cluster, whether its secrets were read or not. */
  readonly secretFileNames: readonly string[];
  /** Things the user should know (retired controller, unknown ingress IP, dropped hooks). */
  readonly warnings: readonly Diagnostic[];
  /** What a file's raw chart values replace of jhm's defaults, one line each (`chart-values.ts`): said, not warned about. */
  readonly notes: readonly Diagnostic[];
}

/** Whether the secrets file is needed (`required`), used when present (`optional`) or never read (`none`). */
export type SecretsMode = 'required' | 'optional' | 'none';

export interface SynthClusterManifestsOptions {
  /** Project root (hubs/, secrets/, outputs/ live here). */
  readonly root: string;
  /** Renders Helm releases (shared across hubs so its caches are shared). */
  readonly renderer: HelmRenderer;
  /**
   * `required` (default): a missing secrets file is an error. `optional`: without one, `dist/` is
   * still produced (it never depends on secret values) and the hub's files of `dist-secrets/` are
   * left out; this is how `jhm check` runs in CI. `none`: the secrets files are never read (even
   * when there are some) and `dist-secrets/` is left out; `jhm check` and `jhm diff` use this, so
   * they never write a real secret, not even to a temporary folder.
   */
  readonly secrets?: SecretsMode;
  /** Hubs whose secrets file is not read, whatever `secrets` says (`jhm synth <hub>` of another hub on the cluster). */
  readonly unreadHubs?: ReadonlySet<string>;
}

/**
 * Everything the Kubernetes side produces for one cluster: the platform releases (cert-manager,
 * the ingress controller) rendered once, each hub's JupyterHub with its own placeholders and
 * secrets file. Throws `UserError` on bad input.
 */
export async function synthClusterManifests(unit: ClusterUnit, options: SynthClusterManifestsOptions): Promise<ClusterManifestResult> {
  const { cluster, hubs } = unit;
  // A secrets problem is reported together with any chart problem, so one run shows them all.
  const problems = new Diagnostics();
  const warnings: Diagnostic[] = [];
  const notes: Diagnostic[] = [];
  const secrets = new Map<string, HubSecrets | undefined>(hubs.map((hub) => [hub.name, problems.collect(() => readSecrets(hub, options, (w) => warnings.push(w)))]));
  // The secrets in one straight line: render once with placeholders (fixed per hub and field,
  // one element for a list field whatever the number of real values), so dist/ depends neither
  // on the secret values nor on their number; assemble, which separates the Secrets from
  // everything else; scan dist/ once; fill the real values into the Secrets last.
  const placeholders = new Map(hubs.map((hub) => [hub.name, placeholderSecrets(hub)]));
  // The load-balancer IP, decided once between the cluster's file and the recorded floating IP.
  const ingress = ingressControllerRelease(cluster, resolveLoadBalancerIP(options.root, cluster));
  warnings.push(...ingress.warnings);
  const certManager = certManagerRelease(cluster);
  // The project's pins (its charts.yaml over jhm's), read at run time: a version edit needs no build.
  const pins = problems.collect(() => options.renderer.charts.pins());
  if (pins === undefined) problems.throwIfAny();
  const pin = (key: ChartKey): ChartPin => pins![key];
  const releases: Array<{
    wave: WaveName;
    chart: ChartPin;
    release: string;
    namespace: string;
    values: Record<string, unknown>;
    /** The hub of a per-hub release. */
    hub?: Hub;
    /** The hub of a per-hub release that is not its JupyterHub. */
    hubName?: string;
    /** Hub-file fields that set the release name and namespace (the platform's are fixed). */
    fields?: HubFields;
    /** CRDs left out of the output (`HelmRelease.unusedCrdGroups`). */
    unusedCrdGroups?: readonly string[];
    /** Raw chart values of the file, merged over `values` (`chart-values.ts`). */
    extra?: ChartValuesInput;
    /** Objects jhm adds to the release's (a shared hub's NFS volume and claim, `home-nfs.ts`). */
    added?: readonly K8sObject[];
  }> = [
    { wave: 'certManager', ...certManager, chart: pin(certManager.chart), extra: cluster.certManager.values },
    { wave: 'ingress', chart: pin(ingress.chart), release: ingress.release, namespace: ingress.namespace, values: ingress.values, unusedCrdGroups: ingress.unusedCrdGroups, extra: cluster.ingress.values },
    ...hubs.map((hub) => ({
      wave: 'jupyterhub' as const,
      chart: pin(hub.jupyterhub.chart),
      release: hub.jupyterhub.release,
      namespace: hub.jupyterhub.namespace,
      values: placeholdersInPlace(jupyterhubValues(hub, placeholders.get(hub.name)!), placeholders.get(hub.name)!, hub.source),
      hub,
      fields: { release: 'jupyterhub.release', namespace: 'jupyterhub.namespace' },
      extra: hub.jupyterhub.values,
    })),
    // Shared home directories: the NFS server on the hub's volume, whose id jhm deploy recorded.
    ...hubs.flatMap((hub) => {
      const storage = sharedStorage(hub);
      const volumeId = storage && problems.collect(() => readHomeVolumeId(options.root, cluster.name, hub, STORAGE_FIELD));
      if (storage === undefined || volumeId === undefined) return [];
      const names = homeNfsNames(hub.jupyterhub);
      return [{ wave: 'jupyterhub' as const, chart: pin('homeNfs'), release: names.release, namespace: names.namespace, values: homeNfsValues(storage, volumeId, cluster), hubName: hub.name, added: [...homesObjects(names, storage), ...homeBackupObjects(hub, names, placeholders.get(hub.name)!, cluster)] }];
    }),
  ];

  const settled = await Promise.allSettled(
    releases.map(async (r) => {
      const values = r.extra !== undefined && Object.keys(r.extra.values).length > 0 ? await withFileValues(options.renderer, r.chart, r.values, r.extra, (n) => notes.push(n)) : r.values;
      const result = await options.renderer
        .render({
          chart: r.chart,
          release: r.release,
          namespace: r.namespace,
          values,
          kubeVersion: cluster.kubeVersion,
          clusterScopedKinds: CLUSTER_SCOPED_CUSTOM_KINDS,
        })
        .catch((e: unknown) => {
          throw atField(cluster, r.hub, r.fields ?? {}, e);
        });
      for (const h of result.droppedHooks) {
        warnings.push(warning(`chart ${r.chart.name} ${r.chart.version}: left out Helm hook ${h.kind} ${h.name} (${h.hooks.join(', ')}): kubectl apply has no hooks`, { file: (r.hub ?? cluster).source }));
      }
      const objects = [...result.objects.filter((o) => !isUnusedCrd(r, o)), ...(r.added ?? [])];
      // A hub's values: readable in dist/, secret ones only in its Secret (`readable-values.ts`).
      return { wave: r.wave, release: r.release, namespace: r.namespace, objects: r.hub ? splitHubValues(objects, r.namespace, r.hub.source) : objects, hub: r.hub?.name ?? r.hubName };
    }),
  );
  // Report every release's problem at once (e.g. all missing charts), not just the first.
  const rendered: RenderedRelease[] = problems.settled(settled);
  problems.throwIfAny();

  const { ClusterApp } = await import('./hub-manifests');
  const files = new ClusterApp({ cluster, hubs, releases: rendered }).synthFiles();
  // The preflight (`jhm validate --manifests`) on the objects just serialized, before anything is
  // written. Every Secret is there (rendered with placeholders), whatever the secrets mode.
  assertPreflight(cluster.name, files);
  const sources = releases.map((r, i) => ({ chart: r.chart, objects: rendered[i].objects }));
  const read = hubs.filter((h) => secrets.get(h.name) !== undefined);
  const values = [...hubs.flatMap((h) => secretValues(placeholders.get(h.name)!)), ...read.flatMap((h) => secretValues(secrets.get(h.name)!))];
  assertNoSecretInDist(cluster, files, values, sources, secretPlaces(read.map((h) => ({ name: h.name, secrets: secrets.get(h.name)! }))));
  // The Secrets of a hub whose secrets file was not read (`optional`, `none`) are left out.
  let secretFiles = new Map<string, string>();
  const hubFiles = new Map(hubs.map((h) => [h.name, WAVE_ORDER.filter((w) => w.perHub).map((w) => waveFileName(w, cluster.naming.hubNamed ? h.name : undefined))]));
  if (read.length > 0) {
    const unread = new Set(hubs.filter((h) => !read.includes(h)).flatMap((h) => hubFiles.get(h.name)!));
    const subst = new Map(read.flatMap((h) => [...substitution(placeholders.get(h.name)!, secrets.get(h.name)!)]));
    secretFiles = fillSecretFiles(new Map([...files.secrets].filter(([f]) => !unread.has(f))), subst);
  }
  return { cluster, hubs, files: { dist: files.dist, secrets: secretFiles }, hubFiles, secretFileNames: [...files.secrets.keys()], warnings, notes };
}

/**
 * `values` with a file's raw chart values merged in, checked against the chart's own values
 * schema (read from the archive the render uses); each value of jhm's they replace is said
 * through `onNote`. Throws `UserErrors`, one per problem, at the file's lines.
 */
async function withFileValues(renderer: HelmRenderer, chart: ChartPin, values: Record<string, unknown>, extra: ChartValuesInput, onNote: (note: Diagnostic) => void): Promise<Record<string, unknown>> {
  const merged = mergeValues(values, extra.values);
  const files = await chartValuesFiles((await renderer.charts.obtain(chart)).archive);
  const errors = chartValuesErrors(extra, merged.values, files, `${chart.name} ${chart.version}`);
  if (errors.length > 0) throw new UserErrors(errors);
  overrideNotes(extra, merged.overrides).forEach(onNote);
  return merged.values;
}

/** Hub-file fields that set a release's name and namespace. */
interface HubFields {
  readonly release?: string;
  readonly namespace?: string;
}

/**
 * A render refused for its release name, namespace or kubeVersion, re-pointed at the file and the
 * field that sets the value (the hub file; for the Kubernetes version the cluster's file, which
 * is the hub file of a hub with its own cluster); other errors, and values no field sets, are returned
 * as they are.
 */
function atField(cluster: Cluster, hub: Hub | undefined, fields: HubFields, e: unknown): unknown {
  if (!(e instanceof RenderInputError)) return e;
  const version = kubernetesVersionField(cluster.naming.fieldPrefix, cluster.magnum.template, cluster.magnum.kubernetes);
  const field = e.input === 'kubeVersion' ? version.field : fields[e.input];
  if (field === undefined || (e.input !== 'kubeVersion' && hub === undefined)) return e;
  return new UserError(e.file ? `${e.file}: ${e.message}` : e.message, {
    file: e.input === 'kubeVersion' ? cluster.source : hub!.source,
    field,
    fix: e.input === 'kubeVersion' ? version.fix : e.fix,
  });
}

function readSecrets(hub: Hub, options: SynthClusterManifestsOptions, onWarning: (warning: Diagnostic) => void): HubSecrets | undefined {
  if (options.secrets === 'none' || options.unreadHubs?.has(hub.name)) return undefined;
  if (options.secrets === 'optional' && !fs.existsSync(secretsFilePath(options.root, hub.name))) return undefined;
  return loadSecrets(options.root, hub, onWarning);
}

/** Shortest secret value the leak guard looks for. */
export const LEAK_MIN_LENGTH = 16;
/** Least Shannon entropy, in bits per character, of a secret value the leak guard looks for. */
export const LEAK_MIN_BITS_PER_CHAR = 3;

/**
 * Whether `value` is random enough that finding it in `dist/` means jhm leaked it, rather than
 * the chart happening to contain the same text: at least {@link LEAK_MIN_LENGTH} characters and
 * at least {@link LEAK_MIN_BITS_PER_CHAR} bits of Shannon entropy per character, measured on the
 * value's own characters. Generated tokens (64 hex characters, about 3.8 bits) and GitHub client
 * secrets (40 hex characters) qualify; `jupyterhub` (10 characters) or `aaaaaaaaaaaaaaaaaaaa`
 * (0 bits) do not, and are not reported as a bug when a chart contains them.
 */
export function hasSecretEntropy(value: string): boolean {
  if (value.length < LEAK_MIN_LENGTH) return false;
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  const n = [...value].length;
  let bits = 0;
  for (const k of counts.values()) bits -= (k / n) * Math.log2(k / n);
  return bits >= LEAK_MIN_BITS_PER_CHAR;
}

/**
 * The base64 runs of at least `minRun` characters in `text`, decoded, in order. Most files of
 * `dist/` are the same in every hub of a synth (CRDs, the platform charts), so each distinct text
 * is searched once per process (the search is most of the leak scan's time with many hubs).
 */
function decodedRuns(text: string, minRun: number): readonly string[] {
  let byText = decodedRunsMemo.get(minRun);
  if (!byText) decodedRunsMemo.set(minRun, (byText = new Map()));
  let runs = byText.get(text);
  if (runs === undefined) {
    runs = [...text.matchAll(new RegExp(`[A-Za-z0-9+/]{${minRun},}`, 'g'))].map((m) => Buffer.from(m[0], 'base64').toString('latin1'));
    byText.set(text, runs);
  }
  return runs;
}
const decodedRunsMemo = new Map<number, Map<string, readonly string[]>>();

/**
 * Last line of defence, the one leak scan: refuse to produce `dist/` if any of `values` (the
 * placeholders and the real secrets) appears in it, plain, base64-encoded, or inside a base64 run
 * of the text once decoded (a secret inside an encoded document). A placeholder found is a bug in
 * a chart or in this tool, not a user error, so it is not a `UserError`; when one is found in an
 * object of `sources` (the rendered releases), the error names the chart and the object. Only
 * values with real entropy (`hasSecretEntropy`) are looked for: a short or repetitive secret may
 * occur in a chart by chance. A real value (one of `places`) found is the chart's own text, since
 * the charts never see the real values: a `UserError` naming its secrets file and field.
 */
export function assertNoSecretInDist(
  cluster: { readonly name: string },
  files: ManifestFiles,
  values: readonly string[],
  sources: readonly { readonly chart: ChartPin; readonly objects: readonly K8sObject[] }[] = [],
  places: ReadonlyMap<string, SecretPlace> = new Map(),
): void {
  const needles = [...new Set(values.filter(hasSecretEntropy))];
  if (needles.length === 0) return;
  const encoded = needles.map((n) => Buffer.from(n).toString('base64'));
  // A base64 run that holds a needle somewhere is at least 4/3 of the needle long.
  const minRun = Math.floor((Math.min(...needles.map((n) => n.length)) * 4) / 3);
  for (const [file, text] of files.dist) {
    let found = needles.find((n, i) => text.includes(n) || text.includes(encoded[i]));
    if (found === undefined) {
      for (const decoded of decodedRuns(text, minRun)) {
        found = needles.find((n) => decoded.includes(n));
        if (found !== undefined) break;
      }
    }
    if (found === undefined) continue;
    const needle = found;
    const place = places.get(needle);
    for (const { chart, objects } of sources) {
      const o = objects.find((x) => !isSecret(x) && placeholdersIn(x, [needle]).length > 0);
      if (o && place) throw secretInRenderedText(place, `chart ${chart.name} ${chart.version}: ${o.kind} ${o.metadata.name}`);
      if (o) throw new Error(`chart ${chart.name} ${chart.version} puts a secret value into ${o.kind} ${o.metadata.name}, outside a Secret; jhm refuses to write it to dist/`);
    }
    if (place) throw secretInRenderedText(place, `dist/${cluster.name}/${file}`);
    throw new Error(`refusing to write dist/${cluster.name}/${file}: it contains a value from the secrets file (a bug in jhm; please report it)`);
  }
}
