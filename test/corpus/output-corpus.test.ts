/**
 * Rule: a refactoring changes no output. Every file `jhm synth` writes (Terraform JSON, dist/,
 * dist-secrets/) for a corpus of hubs is pinned: the example hubs plus hubs that together use
 * every option of the hub schema (and a recorded ingress IP). The test charts' output is pinned
 * byte for byte; with the real charts (`realCharts`, as CI has them) each file's sha256 is pinned.
 * A deliberate change of the output updates these snapshots in the same commit and says why.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { realCharts } from '../support/outside-files';
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
    `  proxySecretToken: fakeproxytoken${hub}0123456789abcdefghijklmnop`,
    `  cookieSecret: ${hex('c')}`,
    `  cryptKeeperKeys: [${hex('a')}, ${hex('b')}]`,
    '',
  ].join('\n');
}

async function corpusProject(chartsDir?: string): Promise<TestProject> {
  const project = await makeProject({ hubs: HUBS, secrets: false });
  for (const hub of Object.keys(HUBS)) project.write(`secrets/${hub}.yaml`, fakeSecrets(hub, hub !== 'minimal'));
  fs.chmodSync(project.path('secrets'), 0o700);
  for (const hub of Object.keys(HUBS)) fs.chmodSync(project.path(`secrets/${hub}.yaml`), 0o600);
  // A deployed hub: the ingress IP comes from its Terraform outputs.
  project.write('outputs/nginx.json', JSON.stringify({ nginx: { ingress_ip: '203.0.113.10', cluster_id: 'fake-cluster-id' } }));
  await project.synth({ force: true, ...(chartsDir ? { helm: { chartsDir, cacheDir: path.join(project.root, '.cache') } } : {}) });
  return project;
}

/** The outputs that matter: every hub's files (cdktf's manifest.json names absolute paths of a temp folder). */
function hubOutputs(project: TestProject): Map<string, string> {
  return new Map([...project.outputs()].filter(([file]) => !file.startsWith('cdktf.out/manifest.json')));
}

test('corpus: every output file of the corpus hubs, with the test charts, is byte-identical to the snapshot', async () => {
  const project = await corpusProject();
  const files = hubOutputs(project);
  expect([...new Set([...files.keys()].map((f) => f.split('/').slice(0, -1).join('/')))].sort()).toMatchSnapshot('folders');
  for (const [file, text] of files) expect(text).toMatchSnapshot(file);
});

const real = realCharts();

real.test('corpus: with the real charts, every output file has the pinned sha256', async () => {
  const project = await corpusProject(real.dir);
  const digests = Object.fromEntries([...hubOutputs(project)].map(([file, text]) => [file, createHash('sha256').update(text).digest('hex')]));
  expect(digests).toMatchSnapshot();
});
