/**
 * What makes two Kubernetes objects the same object on a cluster, in one place: API group, kind,
 * namespace and name. The version is not part of it (`autoscaling/v1` and `autoscaling/v2` name
 * the same HorizontalPodAutoscaler). The preflight's identity rule, the change plan of `jhm diff`
 * and `jhm apply --prune` all key objects with `identityKey`.
 */

/** The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → `''`, the core group). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The identity of the object of `group`, `kind`, `namespace` (none for a cluster-scoped object)
 * and `name`, as a map key. NUL separates the parts: no part can hold it, while a name may hold `/`
 * or `:` (`system:controller:…` roles).
 */
export function identityKey(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${group}\u0000${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

/** {@link identityKey} of an object given by `apiVersion`, `kind`, `namespace` and `name`. */
export function objectIdentity(o: { readonly apiVersion: string; readonly kind: string; readonly namespace?: string; readonly name: string }): string {
  return identityKey(apiGroup(o.apiVersion), o.kind, o.namespace, o.name);
}
