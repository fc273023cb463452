/**
 * Whether a kind is cluster-scoped or namespaced, for the scope rules of the synth tests. A kind in
 * neither set fails those tests, so a chart that starts rendering a new kind gets classified here.
 */

/** Kinds that live outside any namespace: they must carry no `metadata.namespace`. */
export const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterIssuer',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'PriorityClass',
  'IngressClass',
  'StorageClass',
  'PersistentVolume',
  'GatewayClass',
  'APIService',
]);

/** Kinds that live in a namespace: they must carry `metadata.namespace`. */
export const NAMESPACED: ReadonlySet<string> = new Set([
  'ServiceAccount',
  'ConfigMap',
  'Secret',
  'Service',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
  'Role',
  'RoleBinding',
  'PersistentVolumeClaim',
  'Ingress',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'Issuer',
  'Certificate',
  'IngressRoute',
  'Middleware',
  'ServiceMonitor',
  'Lease',
]);
