/**
 * `jhm diff`'s lines in words for a hub's configuration (`synth/compare.ts`): one line per value
 * that changes in the readable ConfigMap `hub-values` of a wave file, named by its path in the
 * chart values and by the hub of the ConfigMap's ownership label; lists item by item; values shown
 * plain when they read back as themselves, else as JSON.
 */
import { describeHubValues, FileChange, hubValueChanges } from '../../synth/compare';
import { HUB_VALUES_CONFIGMAP, VALUES_KEY } from '../../k8s/jupyterhub/readable-values';
import { OWNER_HUB_LABEL } from '../../k8s/ownership';
import { toYamlFile } from '../../k8s/manifest-files';
import { yamlText } from '../../k8s/yaml-text';

/** A wave file with the readable values of each hub, and another object around them. */
function waveFile(hubs: Record<string, unknown>): string {
  const objects = Object.entries(hubs).flatMap(([hub, values]) => [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hub', namespace: hub, labels: { [OWNER_HUB_LABEL]: hub } }, data: { x: '1' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: HUB_VALUES_CONFIGMAP, namespace: hub, labels: { [OWNER_HUB_LABEL]: hub } }, data: { [VALUES_KEY]: yamlText(values) } },
  ]);
  return toYamlFile('# header', objects);
}

const lines = (before: string, after: string) => describeHubValues({ file: 'f', status: 'changed', patch: '', chartVersions: [], hubValues: hubValueChanges(before, after) } satisfies FileChange);

const BASE = {
  singleuser: { profileList: [{ display_name: 'Small', kubespawner_override: { mem_limit: '2G' } }, { display_name: 'Medium', kubespawner_override: { mem_limit: '4G' } }], extraEnv: { MODE: 'off' } },
  ingress: { annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } },
  cull: { enabled: true, timeout: 3600 },
};

test("rule: each changed value is one line naming the hub, the value's path and both values", () => {
  const after = structuredClone(BASE);
  after.singleuser.profileList[1].kubespawner_override.mem_limit = '6G';
  after.cull.timeout = 7200;
  expect(lines(waveFile({ 'course-a': BASE, 'course-b': BASE }), waveFile({ 'course-a': after, 'course-b': BASE }))).toEqual([
    'hub course-a: singleuser.profileList[1].kubespawner_override.mem_limit: 4G -> 6G',
    'hub course-a: cull.timeout: 3600 -> 7200',
  ]);
});

test('rule: added and removed values read (unset); odd keys are bracketed; strings that would read as another type, and collections, are JSON', () => {
  const after = structuredClone(BASE) as { singleuser: { profileList: object[]; extraEnv: Record<string, string> }; ingress: { annotations: Record<string, string> }; cull: { timeout?: number } };
  after.singleuser.profileList.push({ display_name: 'Large' });
  delete after.cull.timeout;
  after.singleuser.extraEnv.MODE = 'on';
  after.ingress.annotations['cert-manager.io/cluster-issuer'] = 'letsencrypt-staging';
  expect(lines(waveFile({ example: BASE }), waveFile({ example: after }))).toEqual([
    'hub example: singleuser.profileList[2]: (unset) -> {"display_name":"Large"}',
    'hub example: singleuser.extraEnv.MODE: "off" -> "on"',
    'hub example: ingress.annotations["cert-manager.io/cluster-issuer"]: letsencrypt -> letsencrypt-staging',
    'hub example: cull.timeout: 3600 -> (unset)',
  ]);
});

test('rule: no line when the values are the same, or when one side has no readable values (a hub added, or output from before them)', () => {
  expect(lines(waveFile({ example: BASE }), waveFile({ example: BASE }))).toEqual([]);
  expect(lines(waveFile({}), waveFile({ example: BASE }))).toEqual([]);
  expect(lines(waveFile({ a: BASE }), waveFile({ a: BASE, b: BASE }))).toEqual([]);
});
