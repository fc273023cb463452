/**
 * The commented hub file that `jhm init` writes. Every line it sets is a value a new hub must
 * think about; everything else is left to the documented defaults (see hub.schema.json).
 */
import { parse } from 'yaml';

/** `s` as a YAML scalar: plain when YAML reads it back as the same string, else double-quoted (e.g. `"0"`, `"true"`). */
function scalar(s: string): string {
  let plain: unknown;
  try {
    plain = /^[A-Za-z0-9][A-Za-z0-9._@/-]*$/.test(s) ? parse(s) : undefined;
  } catch {
    plain = undefined;
  }
  return plain === s ? s : JSON.stringify(s);
}

export interface HubTemplateOptions {
  /** Designate zone with the trailing dot. */
  readonly zone: string;
  /** Let's Encrypt account email. */
  readonly email: string;
  /** OpenStack keypair name. */
  readonly keypair: string;
  /** GitHub OAuth app client id. */
  readonly githubClientId: string;
  /** clouds.yaml cloud name, if any. */
  readonly cloud?: string;
  /** GitHub users who administer the hub. */
  readonly admins: readonly string[];
}

export function hubTemplate(hub: string, o: HubTemplateOptions): string {
  const list = (xs: readonly string[]) => `[${xs.map(scalar).join(', ')}]`;
  return `# yaml-language-server: $schema=../hub.schema.json
#
# Hub "${hub}". Reference of every field and its default: hub.schema.json (your editor
# autocompletes from it). Secrets never go here: they live in secrets/${hub}.yaml (git-ignored).

${o.cloud ? `cloud:\n  name: ${scalar(o.cloud)}   # cloud in clouds.yaml` : '# cloud:\n#   name: openstack   # cloud in clouds.yaml; without it the OS_* environment is used'}

cluster:
  keypair: ${scalar(o.keypair)}
  # template: kubernetes-1-33-jammy   # cluster template name; set kubernetesVersion to match
  # kubernetesVersion: "1.33.0"
  # masterFlavor: m3.quad
  # defaultWorker: { flavor: m3.quad, nodeCount: 1, minNodes: 1, maxNodes: 1 }   # the "core" node
  # deletionProtection: true   # set false only to tear the hub down (see README, Teardown)

# Nodegroups for user servers; each profile below names one.
nodeGroups:
  - name: mediums
    flavor: m3.medium
    minNodes: 1
    maxNodes: 8

dns:
  zone: ${scalar(o.zone)}
  # record: ${hub}   # host = <record>.<zone>

ingress:
  controller: traefik

letsEncrypt:
  email: ${scalar(o.email)}
  # issuer: letsencrypt-staging   # while testing, to stay clear of Let's Encrypt rate limits

jupyterhub:
  auth:
    type: github
    clientId: ${scalar(o.githubClientId)}
    adminUsers: ${list(o.admins)}
    allowedUsers: []
    allowedOrganizations: []
  singleuser:
    image: quay.io/jupyter/scipy-notebook:2025-10-20
    memoryGuarantee: 1G
    storageCapacity: 10Gi
  profiles:
    - displayName: Small (core node)
      nodeGroup: default-worker
      default: true
      cpuGuarantee: 0.5
      memoryGuarantee: 1G
      memoryLimit: 2G
    - displayName: Medium
      nodeGroup: mediums
      cpuGuarantee: 1
      memoryGuarantee: 2G
      memoryLimit: 4G
  scheduling:
    userPlaceholders: 0
`;
}
