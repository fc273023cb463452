/**
 * The Kubernetes version a cluster runs, from one place: its cluster template. A template named
 * the way Jetstream2 names them (`kubernetes-1-33-jammy`) deploys Kubernetes 1.33, so the version
 * charts are rendered for (`helm template --kube-version`) follows the template. `kubernetesVersion`
 * is then optional: when given (to pin a patch release, `1.33.4`) it must agree with the template's
 * minor version. A template given by UUID (`templateId`) has no name to read, so `kubernetesVersion`
 * is required with it.
 *
 * Changing the template of an existing cluster is a rolling upgrade in place (Magnum's upgrade API,
 * `cluster_template_id`): the charts are rendered for the new version at the same time.
 *
 * Versions are read with semver (`1.33`, `v1.33.4`, `1.033` alike), never split by hand.
 */
import type SemverCoerce from 'semver/functions/coerce';

/** Where the Kubernetes version of a cluster was read: its template's name, or `kubernetesVersion`. */
export type KubernetesVersionSource = 'template' | 'kubernetesVersion';

/** A cluster's Kubernetes version, resolved. */
export interface KubernetesVersion {
  /** For `helm template --kube-version`: `vX.Y.Z`. */
  readonly kubeVersion: string;
  /** In people's words: `1.33` (from a template's name) or the version as written (`1.33.0`, `v1.32`). */
  readonly shown: string;
  /** The field of the Magnum part (`magnum.<field>` / `cluster.<field>`) that decides the version. */
  readonly field: KubernetesVersionSource;
}

/** The parts of a Magnum cluster the version is read from (as the file has them, defaults applied). */
export interface TemplateParts {
  readonly template: string;
  readonly templateId?: string;
  readonly kubernetesVersion?: string;
}

/**
 * `kubernetes-1-33-jammy` (Jetstream2), `kubernetes-v1.33-...`, `k8s-1-33-...`: the Kubernetes minor
 * version the template's name states, or `undefined` when the name states none.
 */
const TEMPLATE_VERSION = /(?:^|[^a-z0-9])(?:kubernetes|k8s)[-_.]v?(\d{1,3})[-_.](\d{1,3})(?![0-9])/i;

/** An example of a template name that states its version, for messages. */
export const TEMPLATE_NAME_EXAMPLE = 'kubernetes-1-33-jammy';

/** The `major.minor` Kubernetes version a template's name states, e.g. `1.33`; `undefined` when it states none. */
export function templateKubernetesMinor(template: string): string | undefined {
  const m = TEMPLATE_VERSION.exec(template);
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/**
 * Why a cluster cannot go from Kubernetes `from` to `to` (`major.minor`) by a rolling upgrade in
 * place (a changed template), or `undefined` when it can: the same minor, or the next one. kubeadm
 * upgrades one minor version at a time and never down, and Magnum's Cluster API driver passes any
 * template on without checking (its `upgrade_cluster` leaves that as a to-do), so the upgrade would
 * fail half-way on the cluster.
 */
export function inPlaceUpgradeProblem(from: string, to: string): string | undefined {
  const { major: fromMajor, minor: fromMinor } = kubernetesMinor(from);
  const { major: toMajor, minor: toMinor } = kubernetesMinor(to);
  if (toMajor !== fromMajor) return `changes the major version (${from} -> ${to}), which no rolling upgrade does`;
  if (toMinor < fromMinor) return `is a downgrade (${from} -> ${to}): Kubernetes clusters are never downgraded`;
  if (toMinor > fromMinor + 1) {
    const skipped = Array.from({ length: toMinor - fromMinor - 1 }, (_, i) => `${fromMajor}.${fromMinor + 1 + i}`);
    return `skips Kubernetes ${skipped.join(', ')} (${from} -> ${to}): Kubernetes upgrades one minor version at a time`;
  }
  return undefined;
}

/** The name `template` would have for Kubernetes `minor` in the same naming (`kubernetes-1-33-jammy`, `1.34` → `kubernetes-1-34-jammy`); `undefined` when its name states no version. */
export function templateNameFor(template: string, minor: string): string | undefined {
  if (!TEMPLATE_VERSION.test(template)) return undefined;
  const { major, minor: min } = kubernetesMinor(minor);
  // The match ends `<major><separator><minor>`: keep what comes before and the separator.
  return template.replace(TEMPLATE_VERSION, (whole: string, oldMajor: string, oldMinor: string) => {
    const separator = whole.length - oldMinor.length - 1;
    return `${whole.slice(0, separator - oldMajor.length)}${major}${whole[separator]}${min}`;
  });
}

/** A Kubernetes version (`1.33`, `v1.33.4`) read by semver; the file's version has passed the schema's pattern. */
function kubernetesSemver(version: string) {
  // Loaded when a version is read, not when jhm --help starts (this module is on its import path).
  const coerce = require('semver/functions/coerce') as typeof SemverCoerce;
  const v = coerce(version, { loose: true });
  if (v === null) throw new Error(`not a Kubernetes version: ${JSON.stringify(version)}`);
  return v;
}

/** The major and minor numbers of a Kubernetes version: `v1.33.4` → `{ major: 1, minor: 33 }`. */
export function kubernetesMinor(version: string): { readonly major: number; readonly minor: number } {
  const { major, minor } = kubernetesSemver(version);
  return { major, minor };
}

/** `1.33`, `v1.33.4` → `1.33`. */
export function minorOf(version: string): string {
  const { major, minor } = kubernetesMinor(version);
  return `${major}.${minor}`;
}

/** `1.33`, `v1.33`, `1.33.4` → `v1.33.0`, `v1.33.0`, `v1.33.4` (helm's form). */
export function helmKubeVersion(version: string): string {
  return `v${kubernetesSemver(version).version}`;
}

/**
 * What is wrong with the template and `kubernetesVersion` of a Magnum part, as one message on
 * `kubernetesVersion` (`undefined`: nothing). `key` is the part's key in the file (`magnum`, `cluster`).
 */
export function kubernetesVersionProblem(c: TemplateParts, key: string): string | undefined {
  const field = `${key}.kubernetesVersion`;
  if (c.templateId !== undefined) {
    if (c.kubernetesVersion === undefined) {
      return `is required with ${key}.templateId: a template given by UUID has no name to read the Kubernetes version from; set ${field} to the version the template deploys (openstack coe cluster template show ${c.templateId} -c labels: kube_tag)`;
    }
    return undefined;
  }
  const stated = templateKubernetesMinor(c.template);
  if (stated === undefined) {
    if (c.kubernetesVersion === undefined) {
      return `is required: the name of the cluster template "${c.template}" does not state its Kubernetes version (as "${TEMPLATE_NAME_EXAMPLE}" does); set ${field} to the version it deploys (openstack coe cluster template show ${c.template} -c labels: kube_tag)`;
    }
    return undefined;
  }
  if (c.kubernetesVersion !== undefined && minorOf(c.kubernetesVersion) !== stated) {
    return `is ${c.kubernetesVersion}, but the cluster template "${c.template}" deploys Kubernetes ${stated}; remove ${field} (the version follows the template) or set it to a ${stated} release`;
  }
  return undefined;
}

/**
 * The Kubernetes version of a Magnum part that passed `kubernetesVersionProblem`: `kubernetesVersion`
 * when written, else the version the template's name states.
 */
export function resolveKubernetesVersion(c: TemplateParts): KubernetesVersion {
  if (c.kubernetesVersion !== undefined) {
    return { kubeVersion: helmKubeVersion(c.kubernetesVersion), shown: c.kubernetesVersion, field: 'kubernetesVersion' };
  }
  const stated = c.templateId === undefined ? templateKubernetesMinor(c.template) : undefined;
  if (stated === undefined) {
    // The schema refuses this; a model built around it must not guess a version.
    throw new Error(`no Kubernetes version: template "${c.template}"${c.templateId ? ` (id ${c.templateId})` : ''} states none and kubernetesVersion is not set`);
  }
  return { kubeVersion: helmKubeVersion(stated), shown: stated, field: 'template' };
}

/** The field a message about a cluster's Kubernetes version names, and the fix it gives. */
export interface KubernetesVersionField {
  /** `cluster.template`, `magnum.kubernetesVersion`, ... */
  readonly field: string;
  /** How the value reads at the start of a message: `is 1.27.0`, `"kubernetes-1-27-jammy" deploys Kubernetes 1.27`. */
  readonly value: string;
  /** What to change when a pinned chart does not support the version. */
  readonly fix: string;
}

/**
 * Where a message about the Kubernetes version points: `kubernetesVersion` when the file sets it,
 * else the template whose name states it. `key` is the Magnum part's key (`cluster`, `magnum`).
 */
export function kubernetesVersionField(key: string, template: { readonly name: string } | { readonly id: string }, v: KubernetesVersion): KubernetesVersionField {
  if (v.field === 'template' && 'name' in template) {
    return {
      field: `${key}.template`,
      value: `"${template.name}" deploys Kubernetes ${v.shown}`,
      fix: `use a cluster template with a newer Kubernetes, e.g. ${TEMPLATE_NAME_EXAMPLE}`,
    };
  }
  return {
    field: `${key}.kubernetesVersion`,
    value: `is ${v.shown}`,
    fix: `use a cluster template with a newer Kubernetes and set ${key}.kubernetesVersion to its version`,
  };
}
