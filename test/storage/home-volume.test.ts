/**
 * Shared home directories, the Terraform side (issue 22, items 1 and 3): a hub with
 * `jupyterhub.storage.type: shared` gets one Cinder volume in its cluster's stack, guarded like the
 * cluster and resized online, whose id is an output; a per-user hub's stack has neither. The
 * change plan grows the volume in place, and `jhm synth` refuses to shrink it, to replace or
 * destroy it under deletion protection, and to switch a hub's storage without --allow-replace.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { stringify } from 'yaml';
import { ClusterStack } from '../../infra/cluster-stack';
import { Cluster, defineCluster } from '../../model/cluster';
import { defineHub, Hub } from '../../model/hub';
import { fileField } from '../../infra/stack-fields';
import { formatTerraformPlan, needsAllowReplace, planStack, shrinkingVolumes, storageSwitches } from '../../synth/terraform-plan';
import { clusterInput, hubOnInput } from '../config/cluster-fixtures';
import { cleanupTempDirs, synthHub, tempDir, TfJson, variantHub } from '../infra/support';
import { makeProject, removeProjects } from '../support/project';

afterAll(() => {
  cleanupTempDirs();
  removeProjects();
});

const VOLUME = 'openstack_blockstorage_volume_v3';
const SHARED = { type: 'shared', size: '500Gi', quota: '10Gi', courseFolder: true };

function fleet(storage: Record<string, unknown> | undefined, edit: (c: Record<string, any>) => void = () => undefined): { cluster: Cluster; hubs: Hub[] } {
  const cluster = defineCluster('fleet', clusterInput(edit), 'clusters/fleet.yaml');
  const hubs = ['course-a', 'course-b'].map((name) =>
    defineHub(name, hubOnInput('fleet', (h) => name === 'course-a' && storage !== undefined && (h.jupyterhub.storage = storage)), { clusters: [cluster] }, `hubs/${name}.yaml`),
  );
  return { cluster, hubs };
}

function stackOf(cluster: Cluster, hubs: readonly Hub[]): TfJson {
  return JSON.parse(Testing.synth(new ClusterStack(Testing.app({ outdir: tempDir('cdktf-testing-') }), { cluster, hubs })));
}

describe('the home volume in the stack', () => {
  test('rule: a shared hub gets one volume (size in GiB, online resize, prevent_destroy with deletion protection) and the output home_volume_ids', () => {
    const tf = stackOf(...Object.values(fleet(SHARED)) as [Cluster, Hub[]]);
    expect(Object.keys(tf.resource[VOLUME])).toEqual(['home-course-a']);
    expect(tf.resource[VOLUME]['home-course-a']).toEqual({
      name: 'fleet-course-a-home',
      description: 'Home folders of JupyterHub course-a (course-a.ees220002.projects.jetstream-cloud.org), served over NFS',
      size: 500,
      enable_online_resize: true,
      metadata: { 'jhm-hub': 'course-a' },
      lifecycle: { prevent_destroy: true },
    });
    expect(tf.output.home_volume_ids).toEqual({
      value: { 'course-a': `\${${VOLUME}.home-course-a.id}` },
      description: 'Home volume of each hub with shared storage (hub name → Cinder volume id)',
      sensitive: false,
    });
  });

  test('rule: the volume sets only arguments of the provider schema (provider-schema/openstack.json), with their types, and every required one', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'provider-schema', 'openstack.json'), 'utf8'));
    const block = (Object.values(schema.provider_schemas)[0] as any).resource_schemas[VOLUME].block;
    const volume = stackOf(...Object.values(fleet(SHARED)) as [Cluster, Hub[]]).resource[VOLUME]['home-course-a'];
    const typeOf = (v: unknown) => (typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : typeof v === 'string' ? 'string' : ['map', 'string']);
    for (const [key, value] of Object.entries(volume)) {
      if (key === 'lifecycle') continue;
      const attribute = block.attributes[key];
      expect([key, attribute !== undefined && (attribute.optional || attribute.required)]).toEqual([key, true]);
      expect([key, typeOf(value)]).toEqual([key, attribute.type]);
    }
    const required = Object.entries(block.attributes as Record<string, { required?: boolean }>).filter(([, a]) => a.required).map(([k]) => k);
    expect(required.filter((k) => !(k in volume))).toEqual([]);
  });

  test('rule: with deletion protection off the volume has no prevent_destroy; 1Ti is 1024 GiB', () => {
    const { cluster, hubs } = fleet({ ...SHARED, size: '1Ti' }, (c) => (c.magnum.deletionProtection = false));
    const volume = stackOf(cluster, hubs).resource[VOLUME]['home-course-a'];
    expect(volume.size).toBe(1024);
    expect(volume.lifecycle).toEqual({ prevent_destroy: false });
  });

  test('rule: per-user hubs (the default, or type: perUser) add no volume and no output', () => {
    for (const storage of [undefined, { type: 'perUser' }]) {
      const tf = stackOf(...Object.values(fleet(storage)) as [Cluster, Hub[]]);
      expect(tf.resource[VOLUME]).toBeUndefined();
      expect(tf.output.home_volume_ids).toBeUndefined();
    }
  });

  test('rule: size and quota are whole Gi or Ti, and the quota is at most the size', () => {
    const cluster = defineCluster('fleet', clusterInput(), 'clusters/fleet.yaml');
    const attempt = (storage: unknown) => () => defineHub('course-a', hubOnInput('fleet', (h) => (h.jupyterhub.storage = storage)), { clusters: [cluster] }, 'hubs/course-a.yaml');
    expect(attempt({ ...SHARED, size: '500G' })).toThrow(/hubs\/course-a\.yaml: jupyterhub\.storage\.size: must be a whole number of Gi or Ti, e\.g\. 500Gi/);
    expect(attempt({ ...SHARED, quota: '600Gi' })).toThrow(/jupyterhub\.storage\.quota: is larger than size: one user could fill the whole volume; make quota at most size/);
    expect(attempt({ ...SHARED, courseFolder: 'yes' })).toThrow(/jupyterhub\.storage\.courseFolder/);
  });
});

describe('the change plan of the home volume', () => {
  const stack = (storage: Record<string, unknown> | undefined, edit?: (c: Record<string, any>) => void) => stackOf(...Object.values(fleet(storage, edit)) as [Cluster, Hub[]]);

  test('rule: growing the volume is an in-place update, needing no --allow-replace', () => {
    const plan = planStack(stack(SHARED), stack({ ...SHARED, size: '750Gi' }));
    expect(plan.changes.map((c) => [c.address, c.action, c.attributes.map((a) => `${a.path}: ${a.before} -> ${a.after}`)])).toEqual([[`${VOLUME}.home-course-a`, 'update', ['size: 500 -> 750']]]);
    expect(needsAllowReplace(plan)).toEqual([]);
    expect(shrinkingVolumes(plan)).toEqual([]);
    const { cluster } = fleet(SHARED);
    expect(formatTerraformPlan('Terraform:', plan, (c, p) => fileField(cluster, c.type, c.name, p))).toContain(
      `  # ${VOLUME}.home-course-a will be updated in-place\n    ~ size: 500 -> 750 (set by jupyterhub.storage.size)\n  Plan: 0 to add, 1 to change, 0 to destroy.`,
    );
  });

  test('rule: shrinking the volume is marked NOT POSSIBLE in the plan', () => {
    const plan = planStack(stack(SHARED), stack({ ...SHARED, size: '400Gi' }));
    expect(shrinkingVolumes(plan).map((c) => c.shrink)).toEqual([{ from: 500, to: 400 }]);
    expect(formatTerraformPlan('Terraform:', plan)).toContain(`  # ${VOLUME}.home-course-a will be updated in-place\n    ~ size: 500 -> 400\n      NOT POSSIBLE: Cinder cannot shrink a volume (500 GiB -> 400 GiB); jhm synth refuses it`);
  });

  test('rule: replacing the volume (a ForceNew argument) needs --allow-replace and loses every home folder of the hub', () => {
    const after = stack(SHARED);
    after.resource[VOLUME]['home-course-a'].availability_zone = 'nova-2';
    const plan = planStack(stack(SHARED), after);
    const refused = needsAllowReplace(plan);
    expect(refused.map((c) => [c.address, c.action, c.forcedBy, c.loss, c.protected])).toEqual([[`${VOLUME}.home-course-a`, 'replace', ['availability_zone'], 'every home folder of hub course-a', true]]);
    expect(formatTerraformPlan('Terraform:', plan)).toContain('      LOSES: every home folder of hub course-a\n      deletion protection (prevent_destroy) is on');
  });

  test('rule: a volume made or destroyed for a hub that stays is a storage switch, not a replacement', () => {
    const toShared = planStack(stack(undefined), stack(SHARED));
    expect(storageSwitches(toShared).map((c) => c.storageSwitch)).toEqual([{ hub: 'course-a', to: 'shared' }]);
    const toPerUser = planStack(stack(SHARED), stack({ type: 'perUser' }));
    expect(storageSwitches(toPerUser).map((c) => [c.storageSwitch, c.loss])).toEqual([[{ hub: 'course-a', to: 'perUser' }, 'every home folder of hub course-a']]);
    expect(needsAllowReplace(toPerUser)).toEqual([]);
    // A first stack switches nothing.
    expect(storageSwitches(planStack(undefined, stack(SHARED)))).toEqual([]);
  });
});

describe('a hub with a cluster of its own (the original hub file format)', () => {
  const own = (storage?: Record<string, unknown>) => synthHub(variantHub((i) => storage !== undefined && (i.jupyterhub.storage = storage)));

  test('rule: its shared storage is the same volume and output, named after the hub', () => {
    const tf = own(SHARED);
    expect(tf.resource[VOLUME]['home-example']).toMatchObject({ name: 'example-example-home', size: 500, enable_online_resize: true, metadata: { 'jhm-hub': 'example' } });
    expect(tf.output.home_volume_ids.value).toEqual({ example: `\${${VOLUME}.home-example.id}` });
  });

  test('rule: its switch between perUser and shared is seen by its one record (ingress)', () => {
    expect(storageSwitches(planStack(own(), own(SHARED))).map((c) => c.storageSwitch)).toEqual([{ hub: 'example', to: 'shared' }]);
    expect(storageSwitches(planStack(own(SHARED), own())).map((c) => c.storageSwitch)).toEqual([{ hub: 'example', to: 'perUser' }]);
  });
});

describe('jhm synth refuses unsafe changes of the home volume', () => {
  const CLUSTER = stringify(clusterInput());
  const hubText = (storage?: Record<string, unknown>) => stringify(hubOnInput('fleet', (h) => storage !== undefined && (h.jupyterhub.storage = storage)));
  const infraOnly = { apps: { infra: true, k8s: false } } as const;
  const message = async (run: Promise<unknown>): Promise<string> => {
    try {
      await run;
    } catch (e) {
      return String(e instanceof Error ? e.message : e);
    }
    return 'no error';
  };

  test('rule: a smaller size is refused in one line at jupyterhub.storage.size, even with --allow-replace', async () => {
    const project = await makeProject({ clusters: { fleet: CLUSTER }, hubs: { 'course-a': hubText(SHARED) }, secrets: false });
    await project.synth(infraOnly);
    project.write('hubs/course-a.yaml', hubText({ ...SHARED, size: '400Gi' }));
    for (const allowReplace of [false, true]) {
      expect(await message(project.synth({ ...infraOnly, allowReplace }))).toBe(
        'hubs/course-a.yaml: jupyterhub.storage.size: shrinks the home volume of hub course-a from 500 GiB to 400 GiB: Cinder only grows a volume (keep size at 500Gi or more)',
      );
    }
    project.write('hubs/course-a.yaml', hubText({ ...SHARED, size: '600Gi' }));
    await expect(project.synth(infraOnly)).resolves.toBeDefined();
  });

  test('rule: switching between perUser and shared is refused without --allow-replace, naming the loss and the guide', async () => {
    const project = await makeProject({ clusters: { fleet: CLUSTER }, hubs: { 'course-a': hubText(SHARED) }, secrets: false });
    await project.synth(infraOnly);
    project.write('hubs/course-a.yaml', hubText({ type: 'perUser' }));
    expect(await message(project.synth(infraOnly))).toBe(
      "hubs/course-a.yaml: jupyterhub.storage.type: switches hub course-a from shared to per-user storage: it destroys the home volume, losing every home folder of hub course-a (move the files first (docs/shared-storage.md: Switching a hub's storage), then run jhm synth fleet --allow-replace)",
    );
    await project.synth({ ...infraOnly, allowReplace: true });
    project.write('hubs/course-a.yaml', hubText(SHARED));
    expect(await message(project.synth(infraOnly))).toMatch(/^hubs\/course-a\.yaml: jupyterhub\.storage\.type: switches hub course-a from per-user to shared storage: its users' files stay on their own volumes, which the hub no longer mounts \(move the files first/);
  });

  test('rule: removing a shared hub destroys its volume: refused under deletion protection with the loss in people\'s words', async () => {
    const project = await makeProject({ clusters: { fleet: CLUSTER }, hubs: { 'course-a': hubText(SHARED), 'course-b': hubText() }, secrets: false });
    await project.synth(infraOnly);
    project.write('hubs/course-a.yaml', hubText(SHARED).replace('cluster: fleet', 'cluster: other'));
    project.write('clusters/other.yaml', CLUSTER);
    expect(await message(project.synth({ ...infraOnly, hubs: ['fleet'] } as never))).toMatch(
      /^clusters\/fleet\.yaml: this change destroys openstack_blockstorage_volume_v3\.home-course-a.*, losing every home folder of hub course-a \(undo it, or review it with jhm diff fleet and run jhm synth fleet --allow-replace; terraform apply still stops before destroying a home volume while magnum\.deletionProtection is true\)$/,
    );
  });
});
