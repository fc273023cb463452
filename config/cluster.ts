/**
 * The resolved cluster model (issue 11): a Magnum cluster with its platform (ingress controller,
 * cert-manager, DNS zone) and where its Terraform state lives. Either a cluster file
 * (`clusters/<cluster>.yaml`) or the dedicated cluster of a hub file in the legacy format.
 */

/**
 * Where a cluster's Terraform state lives, resolved (defaults applied): `local` (the default,
 * `terraform.<cluster>.tfstate` at the project root), `s3` (S3-compatible object stores; key
 * defaults to `jhm/<cluster>.tfstate`, region to `us-east-1`, usePathStyle to "an endpoint is
 * set") or `http` (GitLab-managed state). Credentials never appear here: they come from the
 * environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, TF_HTTP_USERNAME/TF_HTTP_PASSWORD).
 */
export type ClusterBackend =
  | { type: 'local' }
  | { type: 's3'; bucket: string; key: string; region: string; endpoint?: string; usePathStyle: boolean }
  | {
      type: 'http';
      address: string;
      lockAddress?: string;
      unlockAddress?: string;
      lockMethod?: string;
      unlockMethod?: string;
    };
