/**
 * The commented hub file that `jhm init` writes. Every line it sets is a value a new hub must
 * think about; everything else is left to the documented defaults (see hub.schema.json).
 */

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
  const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;
  return `# yaml-language-server: $schema=../hub.schema.json
#
# Hub "${hub}". Reference of every field and its default: hub.schema.json (your editor
# autocompletes from it). Secrets never go here: they live in secrets/${hub}.yaml (git-ignored).

cloud:
${o.cloud ? `  name: ${o.cloud}   # cloud in clouds.yaml` : '  # name: openstack   # cloud in clouds.yaml; without it the OS_* environment is used'}

cluster:
  keypair: ${o.keypair}
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
  zone: ${o.zone}
  # record: ${hub}   # host = <record>.<zone>

ingress:
  controller: traefik

letsEncrypt:
  email: ${o.email}
  # issuer: letsencrypt-staging   # while testing, to stay clear of Let's Encrypt rate limits

jupyterhub:
  auth:
    type: github
    clientId: ${o.githubClientId}
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
