/**
 * Rule: every cluster of a project keeps its Terraform state in a place of its own (issue 18).
 * Two clusters that share a state are two Terraform configurations of one state: the second
 * `terraform apply` plans to destroy the first cluster's resources. So the place each cluster's
 * state lives, its backend with the defaults applied (`Cluster.backend`), is unique:
 *
 * - `local`: the state file, `terraform.<cluster>.tfstate` at the project root;
 * - `s3`: the store (its endpoint, or Amazon S3), the bucket and the key (the key defaults to one
 *   derived from the cluster's name, `defaultS3StateKey`); region and path style only say how
 *   the same object is reached;
 * - `http`: the state's address.
 *
 * URLs are compared as the server sees them: scheme, default port, a user name or password and a
 * trailing `/` do not make another place. A collision is reported on the later cluster's file,
 * naming the other file and the field that sets the place.
 */
import { Cluster, ClusterBackend } from '../model/cluster';
import { defaultS3StateKey } from '../model/cluster-schema';
import { truncate, UserError, UserErrors } from '../model/errors';
import { localStateFileName } from './layout';

/** Where a cluster's state lives: `id` compares places, `shown` says it (never a credential). */
export interface StateLocation {
  readonly id: string;
  readonly shown: string;
}

/** The place of `cluster`'s state (see the module comment). */
export function stateLocation(cluster: Pick<Cluster, 'name' | 'backend'>): StateLocation {
  const b: ClusterBackend = cluster.backend;
  switch (b.type) {
    case 'local': {
      const file = localStateFileName(cluster.name);
      return { id: `local\0${file}`, shown: `${file} (local backend, at the project root)` };
    }
    case 's3': {
      const store = b.endpoint === undefined ? undefined : urlPlace(b.endpoint);
      return {
        id: `s3\0${store?.id ?? 'amazon-s3'}\0${b.bucket}\0${b.key}`,
        shown: `s3://${b.bucket}/${truncate(b.key)} ${store === undefined ? 'on Amazon S3' : `at ${store.shown}`}`,
      };
    }
    case 'http': {
      const place = urlPlace(b.address);
      return { id: `http\0${place.id}`, shown: place.shown };
    }
  }
}

/** A URL as the place it names: host (default port dropped), path without a trailing `/`, query. */
function urlPlace(url: string): StateLocation {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // The schema refuses such URLs; compared as written.
    return { id: url, shown: truncate(url.replace(/\/\/[^/]*@/, '//…@')) };
  }
  const where = `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  // Shown without the query: it could hold a token.
  return { id: `${where}${u.search}`, shown: truncate(`${u.protocol}//${where}`) };
}

/** How to give `cluster` a state of its own, when `other` has the same place. */
function stateFix(cluster: Cluster, other: Cluster): string {
  const b = cluster.backend;
  switch (b.type) {
    case 'local':
      return `rename ${cluster.source} or ${other.source}: the local state file is named after the cluster`;
    case 's3': {
      const derived = defaultS3StateKey(cluster.name);
      return b.key === derived
        ? `${derived} is this cluster's default key (derived from its name): give ${other.source} another terraform.backend.key, or set one of its own here`
        : `remove terraform.backend.key to use ${derived} (derived from the cluster's name), or choose a key no other cluster uses`;
    }
    case 'http':
      return `give each cluster its own state address (GitLab: …/terraform/state/${cluster.name})`;
  }
}

/**
 * Throws `UserErrors` when two of `clusters` keep their state in one place, each reported on the
 * later cluster's file (callers order the clusters so that the one to blame comes last).
 */
export function checkStateLocations(clusters: readonly Cluster[]): void {
  const first = new Map<string, Cluster>();
  const errors: UserError[] = [];
  for (const c of clusters) {
    const place = stateLocation(c);
    const other = first.get(place.id);
    if (other === undefined) {
      first.set(place.id, c);
      continue;
    }
    errors.push(
      new UserError(`the Terraform state ${place.shown} is also the state of cluster ${other.name} (${other.source}); the second terraform apply would destroy the other cluster's resources`, {
        file: c.source,
        field: c.naming.stateField,
        fix: stateFix(c, other),
      }),
    );
  }
  if (errors.length > 0) throw new UserErrors(errors);
}
