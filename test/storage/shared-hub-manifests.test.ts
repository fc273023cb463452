/**
 * Shared home directories, the Kubernetes side (issue 22, items 1 and 5), rendered from the real
 * charts: a hub with `jupyterhub.storage.type: shared` gets, in its wave file, 2i2c's
 * jupyterhub-home-nfs release on the volume id `jhm deploy` recorded (Cinder CSI, the hard quota in
 * GiB), the NFS PersistentVolume and claim its user servers mount, and z2jh's static storage with
 * a folder per user; the whole output passes the preflight with no finding. Before the first
 * deploy synth stops in one line. A per-user hub on the same cluster is what it was.
 */
import { parseAllDocuments } from 'yaml';
import { stringify } from 'yaml';
import { clusterInput, hubOnInput } from '../config/cluster-fixtures';
import { realCharts } from '../support/outside-files';
import { makeProject, removeProjects, TestProject } from '../support/project';
import { preflight, clusterFolders } from '../../k8s/preflight';

afterAll(removeProjects);

const real = realCharts();
const FAKE_VOLUME_ID = '00000000-0000-4000-8000-00000000beef';
const SHARED = { type: 'shared', size: '500Gi', quota: '10Gi', courseFolder: true, courseFolderWriters: ['tas'], exchange: true };

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: any; stringData?: any };
const objectsOf = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj).filter((o) => o !== null);
const find = (objects: Obj[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

async function sharedProject(): Promise<TestProject> {
  const project = await makeProject({
    clusters: { fleet: stringify(clusterInput()) },
    hubs: {
      'course-a': stringify(hubOnInput('fleet', (h) => (h.jupyterhub.storage = SHARED))),
      'course-b': stringify(hubOnInput('fleet')),
    },
  });
  return project;
}

const synth = (project: TestProject) => project.synth({ helm: { chartsDir: real.dir } });

real.describe('a shared hub rendered from the real charts', () => {
  let project: TestProject;
  let dist: Map<string, string>;
  let secrets: Map<string, string>;
  beforeAll(async () => {
    project = await sharedProject();
  }, 120_000);

  test('rule: before the first deploy (no volume id recorded) synth stops in one line: deploy the cluster first', async () => {
    await expect(synth(project)).rejects.toThrow(
      "hubs/course-a.yaml: jupyterhub.storage: the home volume is made by the cluster's Terraform stack, and outputs/fleet.json records no id for it yet (deploy the cluster first: jhm deploy fleet)",
    );
  }, 120_000);

  test('rule: with the id recorded, the hub\'s wave file holds the NFS server on that volume, the users\' NFS volume and claim, and z2jh\'s static storage; no preflight finding', async () => {
    project.write('outputs/fleet.json', JSON.stringify({ fleet: { ingress_ip: '192.0.2.10', home_volume_ids: { 'course-a': FAKE_VOLUME_ID } } }));
    await synth(project);
    dist = project.tree('dist/fleet');
    secrets = project.tree('dist-secrets/fleet');
    const a = objectsOf(dist.get('05-jupyterhub-course-a.yaml')!);
    // The chart's side: its PersistentVolume is the Cinder volume by id, its claim binds it, its Service serves NFS.
    expect(find(a, 'PersistentVolume', 'course-a-home-nfs-home-nfs')?.spec.csi).toEqual({ driver: 'cinder.csi.openstack.org', fsType: 'xfs', volumeHandle: FAKE_VOLUME_ID });
    expect(find(a, 'PersistentVolumeClaim', 'home-nfs')).toMatchObject({ metadata: { namespace: 'course-a' }, spec: { volumeName: 'course-a-home-nfs-home-nfs' } });
    expect(find(a, 'Service', 'home-nfs')?.spec.ports.map((p: { port: number }) => p.port)).toEqual([2049, 20048, 111]);
    expect(find(a, 'Deployment', 'home-nfs')?.spec.template.spec.nodeSelector).toBeDefined();
    // The users' side: an NFS volume on that Service, and the claim the user servers mount.
    expect(find(a, 'PersistentVolume', 'course-a-homes')?.spec).toMatchObject({ accessModes: ['ReadWriteMany'], nfs: { server: 'home-nfs.course-a.svc.cluster.local', path: '/' }, capacity: { storage: '500Gi' } });
    expect(find(a, 'PersistentVolumeClaim', 'homes')).toMatchObject({ metadata: { namespace: 'course-a' }, spec: { volumeName: 'course-a-homes', storageClassName: '' } });
    // The quota enforcer's hard quota, in GiB, is in the chart's Secret (dist-secrets/).
    const quota = objectsOf(secrets.get('05-jupyterhub-course-a.yaml')!).filter((o) => o.kind === 'Secret' && o.metadata.namespace === 'course-a');
    expect(JSON.stringify(quota)).toMatch(/hard_quota["\\]*: 10\b/);
    // z2jh: static storage on the claim, a folder per user.
    expect(dist.get('05-jupyterhub-course-a.yaml')).toMatch(/pvcName: homes\n\s+subPath: "?\{escaped_username\}"?/);
    // The course folder and the exchange: their mounts and the course folder's Python, readable in dist/.
    expect(dist.get('05-jupyterhub-course-a.yaml')).toMatch(/jhm-course-folder:\n\s+mountPath: \/home\/jovyan\/shared\n\s+name: home\n\s+readOnly: true\n\s+subPath: _shared/);
    expect(dist.get('05-jupyterhub-course-a.yaml')).toMatch(/jhm-exchange:\n\s+mountPath: \/home\/jovyan\/exchange\n\s+name: home\n\s+subPath: _exchange/);
    expect(dist.get('05-jupyterhub-course-a.yaml')).toContain('c.KubeSpawner.pre_spawn_hook = jhm_course_folder_mode');
    // The per-user hub beside it has none of it.
    const b = dist.get('05-jupyterhub-course-b.yaml')!;
    expect(b).not.toMatch(/home-nfs|pvcName: homes|type: static|jhm-course-folder|jhm-exchange/);
    expect(preflight({ dist, secrets }, clusterFolders('fleet'))).toEqual([]);
  }, 180_000);

  /** The storage findings of the output with `edit` made to the shared hub's wave file. */
  const storageFindings = (edit: (text: string) => string): string[] => {
    const file = '05-jupyterhub-course-a.yaml';
    const edited = new Map(dist);
    const text = edit(dist.get(file)!);
    expect(text).not.toBe(dist.get(file));
    edited.set(file, text);
    return preflight({ dist: edited, secrets }, clusterFolders('fleet'))
      .filter((f) => f.rule === 'storage')
      .map((f) => `${f.field}: ${f.message}`);
  };

  test('rule (preflight storage): a claim binds a PersistentVolume of the output', () => {
    expect(storageFindings((t) => t.replace('volumeName: course-a-home-nfs-home-nfs', 'volumeName: course-a-gone'))).toEqual([
      'PersistentVolumeClaim course-a/home-nfs: binds the PersistentVolume course-a-gone, which is not in the output',
    ]);
  });

  test('rule (preflight storage): the NFS server a PersistentVolume mounts is a Service of the output with port 2049', () => {
    expect(storageFindings((t) => t.replace('server: home-nfs.course-a.svc.cluster.local', 'server: nfs.course-a.svc.cluster.local'))).toEqual([
      'PersistentVolume course-a-homes: mounts the NFS server nfs.course-a.svc.cluster.local, but the Service course-a/nfs is not in the output',
    ]);
  });

  test('rule (preflight storage): the user servers mount a claim of the output', () => {
    expect(storageFindings((t) => t.replace(/pvcName: homes\b/, 'pvcName: homes-gone'))).toEqual(['ConfigMap course-a/hub-values: has the user servers mount the claim course-a/homes-gone, which is not in the output']);
  });
});
