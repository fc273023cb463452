import fc from 'fast-check';
import { NODE_GROUP_LABEL_KEY, nodeGroupLabelValue } from '../../model/node-group';
import { loadHubFile } from '../../project/load';
import { ProfileValues } from '../../k8s/jupyterhub/profiles';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { at, EXAMPLE_HUB_FILE, exampleWith, FAKE_SECRETS, z2jhSchema, z2jhSchemaErrors } from './support';

const profileList = (v: Record<string, unknown>) => at(v, ['singleuser', 'profileList']) as ProfileValues[];
const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

describe('profiles of the example hub', () => {
  const hub = loadHubFile(EXAMPLE_HUB_FILE, 'hubs/example.yaml');
  const list = profileList(jupyterhubValues(hub, FAKE_SECRETS));

  test('each profile selects the nodes of its nodegroup by the Magnum node-group label', () => {
    expect(list.map((p) => p.kubespawner_override.node_selector)).toEqual([
      { 'capi.stackhpc.com/node-group': 'default-worker' },
      { 'capi.stackhpc.com/node-group': 'mediums' },
    ]);
  });

  test('names, slugs, descriptions and resources come from the hub file', () => {
    expect(list[1]).toEqual({
      display_name: 'Low Power (mediums)',
      slug: 'low-power-mediums',
      description: 'A server on the autoscaling m3.medium nodes.',
      kubespawner_override: { node_selector: { 'capi.stackhpc.com/node-group': 'mediums' }, cpu_guarantee: 1, mem_guarantee: '2G', mem_limit: '4G' },
    });
  });

  test('exactly one profile is the default, the one the hub file marks', () => {
    expect(list.filter((p) => p.default === true).map((p) => p.slug)).toEqual(['low-power-default-worker']);
    expect(list.filter((p) => 'default' in p)).toHaveLength(1);
  });

  test('CPU-only profiles get no GPU limit or toleration', () => {
    for (const p of list) {
      expect(p.kubespawner_override.extra_resource_limits).toBeUndefined();
      expect(p.kubespawner_override.tolerations).toBeUndefined();
    }
  });
});

describe('GPU profiles', () => {
  const hub = exampleWith((i) => {
    i.nodeGroups.push({ name: 'gpu-a100', flavor: 'g3.large', minNodes: 1, maxNodes: 2 });
    i.jupyterhub.profiles.push({
      displayName: 'GPU (A100)',
      nodeGroup: 'gpu-a100',
      gpus: 2,
      image: 'quay.io/jupyter/pytorch-notebook:cuda12-2025-10-20',
    });
  });
  const values = jupyterhubValues(hub, FAKE_SECRETS);
  const gpu = profileList(values).find((p) => p.slug === 'gpu-a100')!;

  test('get the nvidia.com/gpu limit as a string and the nvidia.com/gpu NoSchedule toleration', () => {
    expect(gpu.kubespawner_override.extra_resource_limits).toEqual({ 'nvidia.com/gpu': '2' });
    expect(gpu.kubespawner_override.tolerations).toEqual([GPU_TOLERATION]);
  });

  test('run on their GPU nodegroup, with their own image', () => {
    expect(gpu.kubespawner_override.node_selector).toEqual({ [NODE_GROUP_LABEL_KEY]: 'gpu-a100' });
    expect(gpu.kubespawner_override.image).toBe('quay.io/jupyter/pytorch-notebook:cuda12-2025-10-20');
  });

  test('let the continuous pre-puller tolerate GPU nodes too', () => {
    expect(at(values, ['prePuller', 'extraTolerations'])).toEqual([GPU_TOLERATION]);
    expect(at(jupyterhubValues(loadHubFile(EXAMPLE_HUB_FILE), FAKE_SECRETS), ['prePuller', 'extraTolerations'])).toBeUndefined();
  });

  z2jhSchema.test('are accepted by the z2jh values schema', () => {
    expect(z2jhSchemaErrors(values)).toEqual([]);
  });
});

describe('profile rules for any hub (property)', () => {
  const nodeGroupName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/).filter((n) => !n.startsWith('default-'));
  const hubInput = fc
    .uniqueArray(nodeGroupName, { minLength: 1, maxLength: 4 })
    .chain((groups) => {
      const all = ['default-worker', ...groups];
      const profile = fc.record({
        nodeGroup: fc.constantFrom(...all),
        gpus: fc.integer({ min: 0, max: 4 }),
        cpuLimit: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
      });
      return fc.tuple(fc.constant(groups), fc.array(profile, { minLength: 1, maxLength: 5 }), fc.nat());
    });

  z2jhSchema.test('node_selector is the nodegroup label, exactly one default, GPU limits match gpus, schema-valid', () => {
    fc.assert(
      fc.property(hubInput, ([groups, profiles, defaultSeed]) => {
        const defaultIndex = defaultSeed % profiles.length;
        const hub = exampleWith((i) => {
          i.nodeGroups = groups.map((name) => ({ name, flavor: 'm3.medium', minNodes: 1, maxNodes: 3 }));
          i.jupyterhub.profiles = profiles.map((p, n) => ({
            displayName: `Profile ${n}`,
            nodeGroup: p.nodeGroup,
            gpus: p.gpus,
            ...(p.cpuLimit !== undefined ? { cpuLimit: p.cpuLimit } : {}),
            default: n === defaultIndex,
          }));
        });
        const values = jupyterhubValues(hub, FAKE_SECRETS);
        const list = profileList(values);
        expect(list).toHaveLength(profiles.length);
        list.forEach((entry, n) => {
          const groupName = profiles[n].nodeGroup;
          expect(entry.kubespawner_override.node_selector).toEqual({ [NODE_GROUP_LABEL_KEY]: nodeGroupLabelValue(groupName) });
          // The nodes of that nodegroup carry exactly this label (the shared model's value).
          const group = [hub.cluster.defaultWorker, ...hub.cluster.nodeGroups].find((g) => g.name === groupName)!;
          expect(entry.kubespawner_override.node_selector).toEqual(group.nodeSelector);
          if (profiles[n].gpus > 0) {
            expect(entry.kubespawner_override.extra_resource_limits).toEqual({ 'nvidia.com/gpu': String(profiles[n].gpus) });
            expect(entry.kubespawner_override.tolerations).toEqual([GPU_TOLERATION]);
          } else {
            expect(entry.kubespawner_override.extra_resource_limits).toBeUndefined();
            expect(entry.kubespawner_override.tolerations).toBeUndefined();
          }
        });
        expect(list.filter((p) => p.default === true).map((p) => p.display_name)).toEqual([`Profile ${defaultIndex}`]);
        expect(z2jhSchemaErrors(values)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
