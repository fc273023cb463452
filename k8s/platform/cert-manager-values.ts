/**
 * Helm values for cert-manager (`CHARTS.certManager`, v1.21.1): the chart that issues the hub's
 * Let's Encrypt certificate. Validated against the chart's own values schema in the tests.
 */
import { controlPlaneNodeSelector, controlPlaneTolerations, Resources, Toleration } from './placement';

/** Placement and size of one cert-manager Deployment. */
export type CertManagerComponentValues = {
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: Toleration[];
  readonly resources: Resources;
};

/**
 * The cert-manager values this tool sets (everything else keeps the chart default). A type alias,
 * not an interface, so it is assignable to `Record<string, unknown>`.
 */
export type CertManagerValues = CertManagerComponentValues & {
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly global: { readonly leaderElection: { readonly namespace: string } };
  readonly webhook: CertManagerComponentValues;
  readonly cainjector: CertManagerComponentValues;
  readonly startupapicheck: { readonly enabled: boolean };
};

/**
 * Requests sized for a single hub (a handful of certificates), with a memory ceiling so a leak
 * can never starve the control-plane node (etcd, API server) these pods share.
 */
const RESOURCES = {
  controller: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
  webhook: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
  cainjector: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
} as const satisfies Record<string, Resources>;

/** Control-plane placement for one component, with its resources. */
function onControlPlane(resources: Resources): CertManagerComponentValues {
  return { nodeSelector: controlPlaneNodeSelector(), tolerations: controlPlaneTolerations(), resources };
}

/** What the cert-manager values are made from. */
export interface CertManagerValuesProps {
  /** cert-manager's namespace (`hub.certManager.namespace`), where its leader-election Leases live. */
  readonly namespace: string;
}

/**
 * Values for the cert-manager chart.
 *
 * - `crds.enabled` / `crds.keep`: the chart renders its CRDs as ordinary templates (so they are
 *   part of the rendered manifests, which the ClusterIssuers need), and marks them
 *   `helm.sh/resource-policy: keep` so removing the release never deletes every Certificate with
 *   them. These replace the deprecated `installCRDs`.
 * - controller, webhook and cainjector: pinned to the control-plane nodes (`nodeSelector` on the
 *   kubeadm control-plane label, tolerating its `NoSchedule` taint). The control plane is never
 *   scaled by the cluster autoscaler, so scaling workers down never evicts cert-manager, and the
 *   webhook every Certificate change depends on stays up. The chart merges these selectors with its
 *   own default (`kubernetes.io/os: linux`).
 * - `global.leaderElection.namespace`: leader-election Leases (and the Role that grants them) live
 *   in cert-manager's own namespace instead of the chart default `kube-system`, so the release only
 *   writes to its namespace plus cluster-scoped objects.
 * - `startupapicheck.enabled: false`: it is a Helm post-install hook Job that only waits for the
 *   webhook; rendered manifests are applied without hooks, and waiting is the deploy step's job.
 */
export function certManagerValues(props: CertManagerValuesProps): CertManagerValues {
  return {
    crds: { enabled: true, keep: true },
    global: { leaderElection: { namespace: props.namespace } },
    ...onControlPlane(RESOURCES.controller),
    webhook: onControlPlane(RESOURCES.webhook),
    cainjector: onControlPlane(RESOURCES.cainjector),
    startupapicheck: { enabled: false },
  };
}
