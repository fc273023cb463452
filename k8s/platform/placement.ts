/**
 * Where platform pods run, and what they ask for: the scheduling vocabulary shared by the values
 * builders of cert-manager, Traefik and ingress-nginx.
 *
 * Nodegroup selectors (the default worker's `capi.stackhpc.com/node-group`) come from the shared
 * model (`hub.coreNodeSelector`); this file only adds what the Terraform side never needs: the
 * kubeadm control-plane label and taints.
 */

/** A Kubernetes toleration (the subset of `core/v1 Toleration` the platform charts use). */
export interface Toleration {
  readonly key: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Container resources as Helm values take them (`requests` and optional `limits`). */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** The label (with an empty value) kubeadm puts on every control-plane node. */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/**
 * The taint key kubeadm used on control-plane nodes before Kubernetes 1.25 (`.../master`).
 * Current templates (1.33) no longer set it; tolerating it too costs nothing and keeps pinned pods
 * schedulable on a cluster built from an older template.
 */
export const OLD_MASTER_TAINT = 'node-role.kubernetes.io/master';

/**
 * Selects the control-plane nodes. Magnum never autoscales the control plane, so a pod placed
 * here is never evicted by the cluster autoscaler removing a worker.
 */
export function controlPlaneNodeSelector(): Record<string, string> {
  return { [CONTROL_PLANE_LABEL]: '' };
}

/** Tolerates the `NoSchedule` taints kubeadm puts on control-plane nodes (current and pre-1.24 key). */
export function controlPlaneTolerations(): Toleration[] {
  return [
    { key: CONTROL_PLANE_LABEL, operator: 'Exists', effect: 'NoSchedule' },
    { key: OLD_MASTER_TAINT, operator: 'Exists', effect: 'NoSchedule' },
  ];
}
