/**
 * Every pinned upstream version, in one place. Both apps read these; nothing else names a version.
 * To upgrade a chart, change its version here (and copy its Chart.yaml `kubeVersion`), synth (the
 * chart is fetched once and its sha256 is recorded in `charts.lock.json`), review the diff of
 * `dist/`, and commit both files.
 */

/** A Helm chart the tool renders. */
export interface ChartPin {
  /** Chart name as published in its repository, and the archive name prefix (`<name>-<version>.tgz`). */
  readonly name: string;
  /** Helm repository URL. */
  readonly repository: string;
  /** Exact chart version. */
  readonly version: string;
  /**
   * The chart's own `kubeVersion` constraint (its Chart.yaml), copied here so `jhm validate` can
   * check a hub's Kubernetes version without rendering; helm refuses to render outside it.
   * `test/config/versions.test.ts` checks it against the archive.
   */
  readonly kubeVersion: string;
}

export const CHARTS = {
  certManager: { name: 'cert-manager', repository: 'https://charts.jetstack.io', version: 'v1.21.1', kubeVersion: '>= 1.22.0-0' },
  ingressNginx: { name: 'ingress-nginx', repository: 'https://kubernetes.github.io/ingress-nginx', version: '4.15.1', kubeVersion: '>=1.21.0-0' },
  traefik: { name: 'traefik', repository: 'https://traefik.github.io/charts', version: '41.3.0', kubeVersion: '>=1.25.0-0' },
  jupyterhub: { name: 'jupyterhub', repository: 'https://hub.jupyter.org/helm-chart/', version: '4.4.0', kubeVersion: '>=1.28.0-0' },
} as const satisfies Record<string, ChartPin>;

export type ChartKey = keyof typeof CHARTS;

/** The Terraform provider for OpenStack (the bindings in `imports/openstack` follow this line). */
export const OPENSTACK_PROVIDER = {
  source: 'terraform-provider-openstack/openstack',
  version: '~> 3.4',
} as const;

/**
 * The Jetstream2 cluster template the runbook uses. Its name states the Kubernetes version charts
 * are rendered for (1.33; `config/cluster-templates.ts`).
 */
export const DEFAULT_CLUSTER_TEMPLATE = 'kubernetes-1-33-jammy';
