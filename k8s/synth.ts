/**
 * The Kubernetes side for one hub, in process: chart values from the hub file, each release
 * rendered by the Helm engine, assembled with cdk8s into apply waves, and split into the files
 * of `dist/<hub>/` and `dist-secrets/<hub>/`.
 */
import * as fs from 'fs';
import { isDeepStrictEqual } from 'util';
import { Diagnostic, Diagnostics, warning } from '../config/diagnostics';
import { UserError } from '../config/errors';
import { Hub } from '../config/hub';
import { resolveLoadBalancerIP } from '../config/ingress-ip';
import { HubSecrets, loadSecrets, secretsFilePath, secretValues } from '../config/secrets';
import type { ChartPin } from '../config/versions';
import { HelmRenderer, RenderInputError } from './helm/render';
// cdk8s (through hub-manifests) is loaded once the renders are under way, see buildHubManifests below.
import type { RenderedRelease } from './hub-manifests';
import { jupyterhubValues } from './jupyterhub/values';
import { isSecret, ManifestFiles, manifestFiles } from './manifest-files';
import { fillSecrets, placeholderSecrets, placeholdersIn, substitution } from './secret-placeholders';
import { certManagerRelease, ingressControllerRelease } from './platform/ingress-controller';
import { WaveName } from './waves';

/** Kinds defined by CRDs this tool installs that are cluster-scoped. */
const CLUSTER_SCOPED_CUSTOM_KINDS = ['ClusterIssuer'];

export interface HubManifestResult {
  readonly hub: Hub;
  readonly files: ManifestFiles;
  /** Things the user should know (retired controller, unknown ingress IP, dropped hooks). */
  readonly warnings: readonly Diagnostic[];
}

/** Whether the secrets file is needed (`required`), used when present (`optional`) or never read (`none`). */
export type SecretsMode = 'required' | 'optional' | 'none';

export interface SynthHubManifestsOptions {
  /** Project root (hubs/, secrets/, outputs/ live here). */
  readonly root: string;
  /** Renders Helm releases (shared across hubs so its caches are shared). */
  readonly renderer: HelmRenderer;
  /**
   * `required` (default): a missing secrets file is an error. `optional`: without one, `dist/` is
   * still produced (it never depends on secret values) and `dist-secrets/` is left out; this is
   * how `jhm check` runs in CI. `none`: the secrets file is never read (even when there is one)
   * and `dist-secrets/` is left out; `jhm check` and `jhm diff` use this, so they never write a
   * real secret, not even to a temporary folder.
   */
  readonly secrets?: SecretsMode;
}

/** Everything the Kubernetes side produces for `hub`. Throws `UserError` on bad input. */
export async function synthHubManifests(hub: Hub, options: SynthHubManifestsOptions): Promise<HubManifestResult> {
  // A secrets problem is reported together with any chart problem, so one run shows them all.
  const problems = new Diagnostics();
  const warnings: Diagnostic[] = [];
  const secrets: HubSecrets | undefined = problems.collect(() => readSecrets(hub, options, (w) => warnings.push(w)));
  // dist/ is rendered with placeholders of one fixed shape (one CryptKeeper key), so it depends
  // neither on the secret values nor on how many keys the secrets file holds; when the real
  // secrets have another shape, the Secrets come from a second render with placeholders of
  // their shape (z2jh's checksum annotations hash the Secret, so this keeps dist/ unchanged).
  const placeholders = placeholderSecrets(hub);
  const shaped = secrets ? placeholderSecrets(hub, secrets) : placeholders;
  // The load-balancer IP, decided once between the hub file and the recorded floating IP.
  const ingress = ingressControllerRelease(hub, resolveLoadBalancerIP(options.root, hub));
  warnings.push(...ingress.warnings);
  const certManager = certManagerRelease(hub);
  const releases: Array<{
    wave: WaveName;
    chart: ChartPin;
    release: string;
    namespace: string;
    values: Record<string, unknown>;
    /** Values to render the Secrets from, when they differ from `values`. */
    secretsValues?: Record<string, unknown>;
    /** Hub-file fields that set the release name and namespace (the platform's are fixed). */
    fields?: HubFields;
  }> = [
    { wave: 'certManager', ...certManager },
    { wave: 'ingress', chart: ingress.chart, release: ingress.release, namespace: ingress.namespace, values: ingress.values },
    {
      wave: 'jupyterhub',
      chart: hub.jupyterhub.chart,
      release: hub.jupyterhub.release,
      namespace: hub.jupyterhub.namespace,
      values: jupyterhubValues(hub, placeholders),
      secretsValues: isDeepStrictEqual(shaped, placeholders) ? undefined : jupyterhubValues(hub, shaped),
      fields: { release: 'jupyterhub.release', namespace: 'jupyterhub.namespace' },
    },
  ];

  const placeholderValues = secretValues(placeholders);
  const subst = secrets ? substitution(shaped, secrets) : undefined;
  const settled = await Promise.allSettled(
    releases.map(async (r) => {
      const render = (values: Record<string, unknown>) =>
        options.renderer.render({
          chart: r.chart,
          release: r.release,
          namespace: r.namespace,
          values,
          kubeVersion: hub.kubeVersion,
          clusterScopedKinds: CLUSTER_SCOPED_CUSTOM_KINDS,
        }).catch((e: unknown) => {
          throw atHubField(hub, r.fields ?? {}, e);
        });
      const result = await render(r.values);
      const open = result.objects.filter((o) => !isSecret(o));
      // One scan of all objects; only on a hit, find the object to name. Placeholders are digests only
      // jhm knows, so a chart can put out only those it was given: releases given none (the platform
      // charts, CRDs and all) are not scanned.
      if (placeholdersIn(r.values, placeholderValues).length > 0 && placeholdersIn(open, placeholderValues).length > 0) {
        const o = open.find((x) => placeholdersIn(x, placeholderValues).length > 0)!;
        throw new Error(`chart ${r.chart.name} ${r.chart.version} puts a secret value into ${o.kind} ${o.metadata.name}, outside a Secret; jhm refuses to write it to dist/`);
      }
      for (const h of result.droppedHooks) {
        warnings.push(warning(`chart ${r.chart.name} ${r.chart.version}: left out Helm hook ${h.kind} ${h.name} (${h.hooks.join(', ')}): kubectl apply has no hooks`, { file: hub.source }));
      }
      let objects = result.objects;
      if (secrets && r.secretsValues) {
        const secretObjects = (await render(r.secretsValues)).objects.filter(isSecret);
        objects = [...objects.filter((o) => !isSecret(o)), ...secretObjects];
      }
      objects = secrets ? fillSecrets(objects, subst!) : objects.filter((o) => !isSecret(o));
      return { wave: r.wave, release: r.release, namespace: r.namespace, objects };
    }),
  );
  // Report every release's problem at once (e.g. all missing charts), not just the first.
  const rendered: RenderedRelease[] = problems.settled(settled);
  problems.throwIfAny();

  const { buildHubManifests } = await import('./hub-manifests');
  const manifests = buildHubManifests({ hub, releases: rendered });
  const files = manifestFiles(manifests, hub.source);
  if (secrets) assertNoSecretInDist(hub, files, secretValues(secrets));
  return { hub, files, warnings };
}

/** Hub-file fields that set a release's name and namespace. */
interface HubFields {
  readonly release?: string;
  readonly namespace?: string;
}

/**
 * A render refused for its release name, namespace or kubeVersion, re-pointed at the hub file and
 * the field that sets the value; other errors, and values no field sets, are returned as they are.
 */
function atHubField(hub: Hub, fields: HubFields, e: unknown): unknown {
  if (!(e instanceof RenderInputError)) return e;
  const field = e.input === 'kubeVersion' ? 'cluster.kubernetesVersion' : fields[e.input];
  if (field === undefined) return e;
  return new UserError(e.file ? `${e.file}: ${e.message}` : e.message, {
    file: hub.source,
    field,
    fix: e.input === 'kubeVersion' ? 'use a cluster template with a Kubernetes version the chart supports and set cluster.kubernetesVersion to it' : e.fix,
  });
}

function readSecrets(hub: Hub, options: SynthHubManifestsOptions, onWarning: (warning: Diagnostic) => void): HubSecrets | undefined {
  if (options.secrets === 'none') return undefined;
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
 * Last line of defence: refuse to produce `dist/` if any secret value appears in it, plain or
 * base64-encoded. A hit is a bug in this tool, not a user error, so it is not a `UserError`.
 * Only values with real entropy (`hasSecretEntropy`) are looked for: a short or repetitive
 * secret may occur in a chart by chance.
 */
export function assertNoSecretInDist(hub: Hub, files: ManifestFiles, values: readonly string[]): void {
  const needles = values.filter(hasSecretEntropy).flatMap((v) => [v, Buffer.from(v).toString('base64')]);
  for (const [file, text] of files.dist) {
    if (needles.some((n) => text.includes(n))) {
      throw new Error(`refusing to write dist/${hub.name}/${file}: it contains a value from the secrets file (a bug in jhm; please report it)`);
    }
  }
}
