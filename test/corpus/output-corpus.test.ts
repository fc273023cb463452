/**
 * Rule: a refactoring changes no output. Every file `jhm synth` writes (Terraform JSON, dist/,
 * dist-secrets/) for a corpus of hubs is pinned: the example hubs plus hubs that together use
 * every option of the hub schema (and a recorded ingress IP), and cluster files with the hubs on
 * them: one hub on its own cluster file, a shared cluster with two hubs (their `record-<hub>` DNS
 * records and `05-jupyterhub-<hub>.yaml` files) and a cluster with three nodegroups. The test
 * charts' output is pinned byte for byte; with the real charts (`realCharts`, as CI has them) each
 * short file is pinned as its text and each long one by its sha256 and a table of its objects,
 * a failure printing the diff (`pinned-output.ts`). A deliberate change of the output updates
 * these snapshots in the same commit and says why.
 */
import * as fs from 'fs';
import * as path from 'path';
import { realCharts } from '../support/outside-files';
import { expectPinnedOutputs } from '../support/pinned-output';
import { EXAMPLE_HUB, EXAMPLE_HUB_NGINX, makeProject, removeProjects, TestProject } from '../support/project';

afterAll(removeProjects);

/** Uses every field of the hub schema that the example leaves out or at its default. */
const EVERY_OPTION_HUB = `
cloud:
  name: corpus-cloud
  region: RegionTwo
cluster:
  name: corpus-cluster
  template: kubernetes-1-32-jammy
  templateId: 0b3a6f5e-1111-4222-8333-944455556666
  kubernetesVersion: v1.32
  keypair: corpus-keypair
  fixedNetwork: corpus-network
  masterFlavor: m3.large
  masterCount: 3
  defaultWorker:
    flavor: m3.large
    nodeCount: 2
    minNodes: 1
    maxNodes: 3
  dockerVolumeSize: 80
  autoscaling: false
  labels:
    boot_volume_size: "40"
    monitoring_enabled: "true"
  createTimeout: 2h
  deletionProtection: false
nodeGroups:
  - name: big-gpus
    flavor: g3.large
    minNodes: 1
    maxNodes: 2
    nodeCount: 2
    role: gpu
    dockerVolumeSize: 120
    labels:
      gpu_type: a100
  - name: smalls
    flavor: m3.small
    minNodes: 2
    maxNodes: 10
dns:
  zone: hubs.example.org.
  record: corpus-hub
  ttl: 60
ingress:
  controller: traefik
  floatingIpPool: corpus-public
  loadBalancerIP: 198.51.100.7
letsEncrypt:
  email: corpus@example.org
  issuer: letsencrypt-staging
jupyterhub:
  namespace: corpus-ns
  release: corpus-release
  auth:
    type: github
    clientId: corpus-client-id
    allowedUsers: [alice, bob]
    adminUsers: [carol]
    allowedOrganizations: [corpus-org, corpus-org:team-a]
    allowExistingUsers: false
  singleuser:
    image: quay.io/jupyter/minimal-notebook:2025-10-20
    defaultUrl: /tree
    cpuGuarantee: 0.25
    cpuLimit: 2
    memoryGuarantee: 512M
    memoryLimit: 2Gi
    storageCapacity: 20Gi
    storageClass: corpus-storage
    startTimeout: 900
    extraEnv:
      CORPUS_MODE: "on"
      JUPYTER_ENABLE_LAB: "yes"
  profiles:
    - displayName: GPU server
      slug: gpu-explicit
      description: One A100.
      nodeGroup: big-gpus
      image: quay.io/jupyter/pytorch-notebook@sha256:${'ab'.repeat(32)}
      gpus: 1
      cpuGuarantee: 4
      cpuLimit: 8
      memoryGuarantee: 16G
      memoryLimit: 32G
    - displayName: Small & cheap (default)
      nodeGroup: smalls
      default: true
      image: quay.io/jupyter/base-notebook:2025-10-20@sha256:${'cd'.repeat(32)}
    - displayName: Core node
      nodeGroup: default-worker
  culling:
    enabled: false
    timeout: 7200
  scheduling:
    userPlaceholders: 0
    podPriority: false
  prePuller:
    continuous: true
`;

/** Dummy login under a reserved test zone, ingress-nginx, a single profile, no extra nodegroup. */
const MINIMAL_DUMMY_HUB = `
cluster:
  keypair: corpus-keypair
  autoscaling: true
dns:
  zone: corpus.test.
ingress:
  controller: ingress-nginx
letsEncrypt:
  email: corpus@example.org
jupyterhub:
  auth:
    type: dummy
  singleuser:
    image: quay.io/jupyter/base-notebook:2025-10-20
  profiles:
    - displayName: Only
      nodeGroup: default-worker
  culling:
    enabled: true
    timeout: 600
  scheduling:
    userPlaceholders: 2
`;

const HUBS: Record<string, string> = { example: EXAMPLE_HUB, nginx: EXAMPLE_HUB_NGINX, every: EVERY_OPTION_HUB, minimal: MINIMAL_DUMMY_HUB };

/** Obviously fake, fixed secrets, so dist-secrets/ is pinned too. */
function fakeSecrets(hub: string, github: boolean): string {
  const hex = (c: string) => c.repeat(64);
  return [
    ...(github ? ['github:', `  clientSecret: fake-client-secret-${hub}-0123456789`] : []),
    'jupyterhub:',
    `  proxySecretToken: fakeproxytoken${hub.replace(/-/g, '')}0123456789abcdefghijklmnop`,
    `  cookieSecret: ${hex('c')}`,
    `  cryptKeeperKeys: [${hex('a')}, ${hex('b')}]`,
    '',
  ].join('\n');
}

/** One corpus: hub files, cluster files, the hubs that log in with GitHub, and recorded Terraform outputs. */
interface Corpus {
  readonly hubs: Readonly<Record<string, string>>;
  readonly clusters?: Readonly<Record<string, string>>;
  /** Hubs whose secrets hold a GitHub client secret. */
  readonly github: readonly string[];
  /** `outputs/<cluster>.json` contents, by cluster. */
  readonly outputs: Readonly<Record<string, unknown>>;
}

const HUB_FILES: Corpus = {
  hubs: HUBS,
  github: ['example', 'nginx', 'every'],
  // A deployed hub: the ingress IP comes from its Terraform outputs.
  outputs: { nginx: { nginx: { ingress_ip: '203.0.113.10', cluster_id: 'fake-cluster-id' } } },
};

/** A cluster file with one hub: the defaults of a cluster file, a cloud by name and region. */
const SOLO_CLUSTER = `
cloud:
  name: corpus-cloud
  region: RegionOne
magnum:
  keypair: corpus-keypair
nodeGroups:
  - name: mediums
    flavor: m3.medium
    minNodes: 1
    maxNodes: 4
dns:
  zone: solo.example.org.
letsEncrypt:
  email: corpus@example.org
`;

/** The hub on SOLO_CLUSTER: every default of a hub on a cluster file. */
const SOLO_HUB = `
cluster: solo
jupyterhub:
  auth:
    type: github
    clientId: corpus-solo-client-id
    adminUsers: [alice]
  singleuser:
    image: quay.io/jupyter/scipy-notebook:2025-10-20
  profiles:
    - displayName: Small (core node)
      nodeGroup: default-worker
      default: true
    - displayName: Medium
      nodeGroup: mediums
      cpuGuarantee: 1
      memoryGuarantee: 2G
      memoryLimit: 4G
`;

/** A cluster two hubs share (as clusters/shared.yaml), its state in an S3-compatible store. */
const SHARED_CLUSTER = `
cloud:
  name: openstack
magnum:
  name: corpus-shared
  template: kubernetes-1-33-jammy
  kubernetesVersion: "1.33.0"
  keypair: jupyter-ctrl-k8s
  fixedNetwork: auto_allocated_network
  masterFlavor: m3.quad
  masterCount: 1
  defaultWorker:
    flavor: m3.quad
    nodeCount: 1
    minNodes: 1
    maxNodes: 1
  dockerVolumeSize: 50
  autoscaling: true
  updateTimeout: 4h
nodeGroups:
  - name: mediums
    flavor: m3.medium
    minNodes: 1
    maxNodes: 12
dns:
  zone: ees220002.projects.jetstream-cloud.org.
ingress:
  controller: traefik
letsEncrypt:
  email: hub-admins@example.org
terraform:
  backend:
    type: s3
    bucket: corpus-tfstate
    endpoint: https://js2.jetstream-cloud.org:8001
`;

/** A course hub on SHARED_CLUSTER (as hubs/course-a.yaml); `name` sets the client id. */
const courseHub = (name: string, extra = ''): string => `
cluster: shared
${extra}jupyterhub:
  auth:
    type: github
    clientId: example-${name}-client-id
    adminUsers: [zonca]
    allowedUsers: []
    allowedOrganizations: []
  singleuser:
    image: quay.io/jupyter/scipy-notebook:2025-10-20
    defaultUrl: /lab
    memoryGuarantee: 1G
    storageCapacity: 10Gi
  profiles:
    - displayName: Small (core node)
      description: A small server on the shared core node.
      nodeGroup: default-worker
      default: true
      cpuGuarantee: 0.5
      memoryGuarantee: 1G
      memoryLimit: 2G
    - displayName: Medium (mediums)
      description: A server on the autoscaling m3.medium nodes the hubs of the cluster share.
      nodeGroup: mediums
      cpuGuarantee: 1
      memoryGuarantee: 2G
      memoryLimit: 4G
`;

/** A cluster with three nodegroups (CPU, GPU, large memory), by template UUID, state behind HTTP. */
const THREE_GROUPS_CLUSTER = `
cloud:
  name: corpus-cloud
  region: RegionTwo
magnum:
  template: kubernetes-1-32-jammy
  templateId: 0b3a6f5e-1111-4222-8333-944455556666
  kubernetesVersion: v1.32
  keypair: corpus-keypair
  fixedNetwork: corpus-network
  masterFlavor: m3.large
  masterCount: 3
  defaultWorker:
    flavor: m3.large
    nodeCount: 2
    minNodes: 1
    maxNodes: 3
  dockerVolumeSize: 80
  autoscaling: false
  labels:
    boot_volume_size: "40"
  createTimeout: 2h
  deletionProtection: false
nodeGroups:
  - name: cpus
    flavor: m3.medium
    minNodes: 1
    maxNodes: 10
  - name: gpus
    flavor: g3.large
    minNodes: 1
    maxNodes: 2
    nodeCount: 2
    role: gpu
    dockerVolumeSize: 120
    labels:
      gpu_type: a100
  - name: bigmem
    flavor: r3.xl
    minNodes: 1
    maxNodes: 3
    dockerVolumeSize: 200
dns:
  zone: hubs.example.org.
ingress:
  controller: ingress-nginx
  floatingIpPool: corpus-public
letsEncrypt:
  email: corpus@example.org
terraform:
  backend:
    type: http
    address: https://gitlab.example.org/api/v4/projects/1/terraform/state/corpus
    lockAddress: https://gitlab.example.org/api/v4/projects/1/terraform/state/corpus/lock
    unlockAddress: https://gitlab.example.org/api/v4/projects/1/terraform/state/corpus/lock
`;

/** The hub on THREE_GROUPS_CLUSTER: a profile on each nodegroup. */
const THREE_GROUPS_HUB = `
cluster: three
dns:
  record: research
  ttl: 120
letsEncrypt:
  issuer: letsencrypt-staging
jupyterhub:
  namespace: research-ns
  release: research-release
  auth:
    type: github
    clientId: corpus-research-client-id
    allowedOrganizations: [corpus-org]
  singleuser:
    image: quay.io/jupyter/minimal-notebook:2025-10-20
  profiles:
    - displayName: CPU
      nodeGroup: cpus
      default: true
    - displayName: GPU
      nodeGroup: gpus
      gpus: 1
      image: quay.io/jupyter/pytorch-notebook:2025-10-20
    - displayName: Big memory
      nodeGroup: bigmem
      memoryGuarantee: 64G
      memoryLimit: 96G
    - displayName: Core
      nodeGroup: default-worker
  scheduling:
    userPlaceholders: 1
`;

const CLUSTER_FILES: Corpus = {
  clusters: { solo: SOLO_CLUSTER, shared: SHARED_CLUSTER, three: THREE_GROUPS_CLUSTER },
  hubs: {
    lone: SOLO_HUB,
    'course-a': courseHub('course-a'),
    'course-b': courseHub('course-b', 'dns:\n  record: b\n'),
    research: THREE_GROUPS_HUB,
  },
  github: ['lone', 'course-a', 'course-b', 'research'],
  // The shared cluster is deployed: its ingress IP comes from its Terraform outputs.
  outputs: { shared: { shared: { ingress_ip: '203.0.113.20', cluster_id: 'fake-shared-cluster-id' } } },
};

async function corpusProject(corpus: Corpus, chartsDir?: string): Promise<TestProject> {
  const project = await makeProject({ hubs: corpus.hubs, clusters: corpus.clusters, secrets: false });
  for (const hub of Object.keys(corpus.hubs)) project.write(`secrets/${hub}.yaml`, fakeSecrets(hub, corpus.github.includes(hub)));
  fs.chmodSync(project.path('secrets'), 0o700);
  for (const hub of Object.keys(corpus.hubs)) fs.chmodSync(project.path(`secrets/${hub}.yaml`), 0o600);
  for (const [cluster, outputs] of Object.entries(corpus.outputs)) project.write(`outputs/${cluster}.json`, JSON.stringify(outputs));
  await project.synth({ force: true, ...(chartsDir ? { helm: { chartsDir, cacheDir: path.join(project.root, '.cache') } } : {}) });
  return project;
}

/** The outputs that matter: every hub's files (cdktf's manifest.json names absolute paths of a temp folder). */
function hubOutputs(project: TestProject): Map<string, string> {
  return new Map([...project.outputs()].filter(([file]) => !file.startsWith('cdktf.out/manifest.json')));
}

test('corpus: every output file of the corpus hubs, with the test charts, is byte-identical to the snapshot', async () => {
  const project = await corpusProject(HUB_FILES);
  const files = hubOutputs(project);
  expect([...new Set([...files.keys()].map((f) => f.split('/').slice(0, -1).join('/')))].sort()).toMatchSnapshot('folders');
  for (const [file, text] of files) expect(text).toMatchSnapshot(file);
});

const real = realCharts();

real.test('corpus: with the real charts, every output file is pinned, short ones as text, long ones by digest and objects (a failure prints a diff)', async () => {
  expectPinnedOutputs(hubOutputs(await corpusProject(HUB_FILES, real.dir)));
});

test('corpus: every output file of cluster files (one hub; a shared cluster with two hubs; three nodegroups), with the test charts, is byte-identical to the snapshot', async () => {
  const project = await corpusProject(CLUSTER_FILES);
  const files = hubOutputs(project);
  expect([...files.keys()]).toMatchSnapshot('files');
  for (const [file, text] of files) expect(text).toMatchSnapshot(file);
});

real.test('corpus: cluster files with the real charts, every output file is pinned, short ones as text, long ones by digest and objects (a failure prints a diff)', async () => {
  expectPinnedOutputs(hubOutputs(await corpusProject(CLUSTER_FILES, real.dir)));
});
