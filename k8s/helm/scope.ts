/**
 * Which objects are cluster-scoped (no `metadata.namespace`) and which are namespaced (always one).
 *
 * Cluster-scoped are: the built-in cluster-scoped kinds of Kubernetes (matched by API group and
 * kind), the custom resources whose CustomResourceDefinition in the same render says
 * `scope: Cluster`, and any kind the caller names (e.g. `ClusterIssuer`, whose CRD comes from
 * another chart). Everything else is namespaced.
 */
import { apiGroup } from '../object-identity';
import type { K8sObject } from './types';

/** Built-in cluster-scoped kinds by API group (`''` is the core group). */
export const BUILTIN_CLUSTER_SCOPED: Readonly<Record<string, readonly string[]>> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
  ],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'authentication.k8s.io': ['TokenReview', 'SelfSubjectReview'],
  'authorization.k8s.io': ['SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'internal.apiserver.k8s.io': ['StorageVersion'],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'node.k8s.io': ['RuntimeClass'],
  policy: ['PodSecurityPolicy'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
  'scheduling.k8s.io': ['PriorityClass'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'],
  'storagemigration.k8s.io': ['StorageVersionMigration'],
};

/** Decides the scope of objects of one render. */
export class ScopeTable {
  private readonly clusterScoped = new Set<string>();
  private readonly extraKinds: ReadonlySet<string>;

  constructor(
    /** Objects of the render: their cluster-scoped CustomResourceDefinitions are learnt. */
    objects: readonly K8sObject[],
    /** Further cluster-scoped kinds, matched by kind in any group. */
    extraKinds: readonly string[] = [],
  ) {
    for (const [group, kinds] of Object.entries(BUILTIN_CLUSTER_SCOPED)) for (const kind of kinds) this.clusterScoped.add(`${group}/${kind}`);
    for (const o of objects) {
      if (o.kind !== 'CustomResourceDefinition' || apiGroup(o.apiVersion) !== 'apiextensions.k8s.io') continue;
      const spec = o.spec as { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
      if (spec?.scope === 'Cluster' && typeof spec.group === 'string' && typeof spec.names?.kind === 'string') {
        this.clusterScoped.add(`${spec.group}/${spec.names.kind}`);
      }
    }
    this.extraKinds = new Set(extraKinds);
  }

  /** True when objects of this apiVersion and kind have no namespace. */
  public isClusterScoped(o: { apiVersion: string; kind: string }): boolean {
    return this.extraKinds.has(o.kind) || this.clusterScoped.has(`${apiGroup(o.apiVersion)}/${o.kind}`);
  }
}
