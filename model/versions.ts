/**
 * Pinned upstream versions. The Helm charts are data, read at run time from `charts.yaml`
 * (`project/chart-pins.ts`: the project's file wins chart by chart, jhm's own file gives the
 * rest), so a version edit takes effect on the next synth without a build; their types are here.
 * The Terraform provider and the default cluster template are compiled in.
 */

/** The charts jhm renders, by the key that names each in `charts.yaml`. */
export const CHART_KEYS = ['certManager', 'ingressNginx', 'traefik', 'jupyterhub', 'homeNfs'] as const;

export type ChartKey = (typeof CHART_KEYS)[number];

/** A Helm chart the tool renders (one entry of `charts.yaml`). */
export interface ChartPin {
  /** Chart name as published in its repository, and the archive name prefix (`<name>-<version>.tgz`). */
  readonly name: string;
  /** Helm repository URL, or an OCI registry path (`oci://<registry>/<path>`, the chart at `<path>/<name>`). */
  readonly repository: string;
  /** Exact chart version. */
  readonly version: string;
  /**
   * The chart's own `kubeVersion` constraint (its Chart.yaml), copied into `charts.yaml` so
   * `jhm validate` can check a hub's Kubernetes version without rendering; helm refuses to render
   * outside it. `test/config/versions.test.ts` checks jhm's own pins against the archives.
   */
  readonly kubeVersion: string;
}

/** Every chart's pin, by key. */
export type ChartPins = Readonly<Record<ChartKey, ChartPin>>;

/** The Terraform provider for OpenStack (the bindings in `imports/openstack` follow this line). */
export const OPENSTACK_PROVIDER = {
  source: 'terraform-provider-openstack/openstack',
  version: '~> 3.4',
} as const;

/**
 * The Jetstream2 cluster template the runbook uses. Its name states the Kubernetes version charts
 * are rendered for (1.33; `model/cluster-templates.ts`).
 */
export const DEFAULT_CLUSTER_TEMPLATE = 'kubernetes-1-33-jammy';

/**
 * The image of a shared hub's backup CronJob (`k8s/jupyterhub/home-backup.ts`): restic's official
 * image (Alpine with the restic binary), pinned to a release.
 */
export const RESTIC_IMAGE = 'docker.io/restic/restic:0.18.1';
