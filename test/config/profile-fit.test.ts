/**
 * Profiles that fit their nodes (issue 21, items 5 and 6; model/profile-fit.ts): a profile asking
 * for GPUs must run on a nodegroup whose flavor has them (the GPU operator of a Jetstream2 Magnum
 * cluster gives GPU nodes their device plugin, model/flavors.ts), and `jhm validate` warns when a
 * profile's guaranteed CPU or memory is more than a node of its nodegroup can give one server.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { defineHub } from '../../model/hub';
import { GPU_DEVICE_PLUGIN_BY_DEFAULT, jetstream2Flavor } from '../../model/flavors';
import { gpuProfileErrors, memoryBytes, nodeAllocatable, profileFitWarnings } from '../../model/profile-fit';
import { formatDiagnostic } from '../../model/diagnostics';
import { EXAMPLE_HUB, makeProject, REPO, removeProjects } from '../support/project';

afterAll(removeProjects);

const SOURCE = 'hubs/example.yaml';

/** The example hub (its own cluster: nodegroup mediums of m3.medium) after `edit` of its data. */
function hubWith(edit: (input: Record<string, any>) => void) {
  const input = parse(fs.readFileSync(path.join(REPO, SOURCE), 'utf8'));
  edit(input);
  return defineHub('example', input, {}, SOURCE);
}

const gpuProfile = { displayName: 'GPU', nodeGroup: 'mediums', gpus: 1 };

describe('rule: a profile asking for GPUs runs on a nodegroup whose flavor has them', () => {
  test('the decision and its source: the device plugin comes with the cluster, so jhm adds none', () => {
    expect(GPU_DEVICE_PLUGIN_BY_DEFAULT.installed).toBe(true);
    expect(GPU_DEVICE_PLUGIN_BY_DEFAULT.by).toContain('nvidiaGPUOperator.enabled: true');
  });

  test('a GPU profile on m3.medium nodes is one error naming the hub file, the profile field and the fix', () => {
    const errors = gpuProfileErrors(hubWith((h) => h.jupyterhub.profiles.push(gpuProfile)));
    expect(errors.map((e) => e.format())).toEqual([
      'hubs/example.yaml: jupyterhub.profiles[2].gpus: asks for 1 GPU per server, but nodegroup mediums runs on m3.medium, which has no GPU: the server could never start (set jupyterhub.profiles[2].nodeGroup to a nodegroup of a GPU flavor (g3.small, g3.medium, g3.large, g3.xl), or lower gpus)',
    ]);
  });

  test('on a g3 nodegroup it is fine; two GPUs per server are more than any g3 node has; an unknown flavor is not judged', () => {
    const onGpus = (gpus: number, flavor = 'g3.large') =>
      gpuProfileErrors(
        hubWith((h) => {
          h.nodeGroups.push({ name: 'gpus', flavor, minNodes: 1, maxNodes: 2 });
          h.jupyterhub.profiles.push({ ...gpuProfile, nodeGroup: 'gpus', gpus });
        }),
      ).map((e) => e.format());
    expect(onGpus(1)).toEqual([]);
    expect(onGpus(2)).toEqual([expect.stringMatching(/^hubs\/example\.yaml: jupyterhub\.profiles\[2\]\.gpus: asks for 2 GPUs per server, but nodegroup gpus runs on g3\.large, which has 1 GPU: .*\(no Jetstream2 flavor has 2 GPUs: ask for at most 1\)$/)]);
    expect(onGpus(1, 'a100.private')).toEqual([]);
  });

  test('jhm validate refuses it in one line; the example hubs pass', async () => {
    const project = await makeProject({ hubs: { example: EXAMPLE_HUB.replace('  scheduling:\n', '    - displayName: GPU\n      nodeGroup: mediums\n      gpus: 1\n  scheduling:\n') } });
    const run = await project.jhm('validate');
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([expect.stringMatching(/^error: hubs\/example\.yaml: jupyterhub\.profiles\[2\]\.gpus: asks for 1 GPU per server, .*\)$/)]);
    for (const name of ['example', 'course-a', 'course-b']) {
      const hubFile = fs.readFileSync(path.join(REPO, 'hubs', `${name}.yaml`), 'utf8');
      const input = parse(hubFile);
      if (typeof input.cluster === 'string') continue;
      expect(gpuProfileErrors(defineHub(name, input, {}, `hubs/${name}.yaml`))).toEqual([]);
    }
  });
});

describe("rule: jhm validate warns when a profile's guarantee does not fit a node of its nodegroup", () => {
  test('what a node keeps back: 0.5 vCPU and a tenth of its memory, at least 1 GiB', () => {
    expect(nodeAllocatable(jetstream2Flavor('m3.medium')!)).toEqual({ vcpus: 7.5, memoryBytes: 27 * 1024 ** 3 });
    expect(nodeAllocatable(jetstream2Flavor('m3.small')!)).toEqual({ vcpus: 1.5, memoryBytes: 5 * 1024 ** 3 });
    expect([memoryBytes('2G'), memoryBytes('2Gi'), memoryBytes('512M'), memoryBytes('1.5G'), memoryBytes('lots')]).toEqual([2 * 1024 ** 3, 2 * 1024 ** 3, 512 * 1024 ** 2, 1.5 * 1024 ** 3, undefined]);
  });

  test('the example hubs fit', () => {
    expect(profileFitWarnings([hubWith(() => undefined)])).toEqual([]);
  });

  test('too much memory, too many CPUs: one warning each, with the file, the field and the fix', () => {
    const hub = hubWith((h) => {
      h.jupyterhub.profiles[1].memoryGuarantee = '28G';
      h.jupyterhub.profiles[1].cpuGuarantee = 8;
    });
    expect(profileFitWarnings([hub]).map(formatDiagnostic)).toEqual([
      'hubs/example.yaml: jupyterhub.profiles[1].cpuGuarantee: profile "Low Power (mediums)" guarantees 8 vCPUs to each server, more than a node of nodegroup mediums (m3.medium: 8 vCPUs, 30 GB) can give one: 7.5 after the 0.5 vCPU jhm assumes the node keeps (lower it to at most 7.5, or put the profile on a nodegroup of a larger flavor such as m3.large)',
      'hubs/example.yaml: jupyterhub.profiles[1].memoryGuarantee: profile "Low Power (mediums)" guarantees 28G of memory to each server, more than a node of nodegroup mediums (m3.medium: 8 vCPUs, 30 GB) can give one: 27 GiB after the 3 GiB jhm assumes the node keeps (lower it to at most 27G, or put the profile on a nodegroup of a larger flavor such as m3.large)',
    ]);
  });

  test("a profile without its own guarantee is judged by singleuser's, and the warning names that field", () => {
    const hub = hubWith((h) => {
      h.jupyterhub.singleuser.memoryGuarantee = '14G';
      delete h.jupyterhub.profiles[0].memoryGuarantee;
    });
    expect(profileFitWarnings([hub]).map((w) => [w.field, w.fix])).toEqual([['jupyterhub.singleuser.memoryGuarantee', 'lower it to at most 13.5G, or put the profile on a nodegroup of a larger flavor such as m3.medium']]);
  });

  test('jhm validate prints the warning (as docs/day-two.md quotes it) and succeeds', async () => {
    const project = await makeProject({ hubs: { example: EXAMPLE_HUB.replace('      memoryGuarantee: 2G\n', '      memoryGuarantee: 28G\n') } });
    const run = await project.jhm('validate');
    expect(run.code).toBe(0);
    const line = run.stderr.split('\n').find((l) => l.startsWith('warning: hubs/example.yaml: jupyterhub.profiles[1].memoryGuarantee: '));
    expect(line).toBeDefined();
    // docs/day-two.md ("What it costs") quotes this line.
    expect(fs.readFileSync(path.join(REPO, 'docs', 'day-two.md'), 'utf8')).toContain(`\n${line}\n`);
  });
});
