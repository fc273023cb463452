/**
 * The split of a hub's chart values (`k8s/jupyterhub/readable-values.ts`) on objects of its own:
 * the secret values go to the `hub` Secret alone, everything else to the readable ConfigMap, the
 * two merged by z2jh's rule give the chart's values back, and a Deployment that would not read the
 * ConfigMap is refused in one line naming the hub file. (With the charts, and the chart's own
 * z2jh.py: test/synth/readable-hub-values.test.ts.)
 */
import { parse } from 'yaml';
import { UserError } from '../../model/errors';
import { K8sObject } from '../../k8s/helm/types';
import { HUB_VALUES_CHECKSUM, HUB_VALUES_CONFIGMAP, mergeLikeZ2jh, READABLE_VALUES_DIR, readableValuesMount, readableValuesOf, splitHubValues, splitValues, VALUES_KEY } from '../../k8s/jupyterhub/readable-values';

const FAKE = 'not-a-real-secret-0123456789abcdef';

/** Chart values as z2jh puts them in its Secret, with fake secrets at every secret path. */
const VALUES = {
  Chart: { Name: 'jupyterhub', Version: '4.4.0' },
  hub: {
    config: {
      JupyterHub: { authenticator_class: 'github', cookie_secret: `${FAKE}-cookie` },
      ConfigurableHTTPProxy: { auth_token: `${FAKE}-proxy` },
      CryptKeeper: { keys: [`${FAKE}-key1`, `${FAKE}-key2`] },
      GitHubOAuthenticator: { client_secret: `${FAKE}-github`, allowed_organizations: ['org'] },
    },
    extraEnv: { MODE: 'on', TIME: '1:20' },
    ...readableValuesMount(),
  },
  singleuser: { profileList: [{ display_name: 'Small', kubespawner_override: { mem_limit: '4G' } }] },
};

/** The objects of a rendered release that matter here. */
function release(values: unknown, mount = true): K8sObject[] {
  const { extraVolumes, extraVolumeMounts } = readableValuesMount();
  return [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hub', namespace: 'jhub', labels: { component: 'hub' } }, data: { [VALUES_KEY]: Buffer.from(JSON.stringify(values)).toString('base64'), other: 'eA==' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hub', namespace: 'jhub' },
      spec: { template: { metadata: { annotations: { 'checksum/secret': 'abc' } }, spec: { volumes: mount ? extraVolumes : [], containers: [{ name: 'hub', volumeMounts: mount ? extraVolumeMounts : [] }] } } },
    },
  ];
}

test('rule: splitValues puts exactly the secret chart values in the secret part (with the mappings leading to them) and leaves no empty mapping behind', () => {
  const { readable, secret } = splitValues(VALUES);
  expect(secret).toEqual({
    hub: {
      config: {
        JupyterHub: { cookie_secret: `${FAKE}-cookie` },
        ConfigurableHTTPProxy: { auth_token: `${FAKE}-proxy` },
        CryptKeeper: { keys: [`${FAKE}-key1`, `${FAKE}-key2`] },
        GitHubOAuthenticator: { client_secret: `${FAKE}-github` },
      },
    },
  });
  expect(JSON.stringify(readable)).not.toContain(FAKE);
  const config = (readable.hub as { config: Record<string, unknown> }).config;
  expect(Object.keys(config)).toEqual(['JupyterHub', 'GitHubOAuthenticator']);
  expect(mergeLikeZ2jh(secret, readable)).toEqual(VALUES);
  // The input is left as it was.
  expect(JSON.stringify(VALUES)).toContain(`${FAKE}-github`);
});

test('rule: splitHubValues writes the readable values into the ConfigMap, the secret ones alone into the Secret, and the ConfigMap checksum onto the pod template', () => {
  const out = splitHubValues(release(VALUES), 'jhub', 'hubs/example.yaml');
  expect(out.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Secret/hub', `ConfigMap/${HUB_VALUES_CONFIGMAP}`, 'Deployment/hub']);
  const [secret, configMap, deployment] = out;
  const readable = readableValuesOf(configMap)!;
  const text = (configMap.data as Record<string, string>)[VALUES_KEY];
  expect(text).toContain('mem_limit: 4G');
  // Strings YAML 1.1 (PyYAML) would read as a boolean or a number are quoted.
  expect(text).toContain('MODE: "on"');
  expect(readable).toEqual(splitValues(VALUES).readable);
  expect(text).not.toContain(FAKE);
  const secretValues = parse(Buffer.from((secret.data as Record<string, string>)[VALUES_KEY], 'base64').toString('utf8'), { version: '1.1' });
  expect(secretValues).toEqual(splitValues(VALUES).secret);
  expect((secret.data as Record<string, string>).other).toBe('eA==');
  expect(mergeLikeZ2jh(secretValues, readable)).toEqual(VALUES);
  const annotations = (deployment.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
  expect(annotations['checksum/secret']).toBe('abc');
  expect(annotations[HUB_VALUES_CHECKSUM]).toMatch(/^[0-9a-f]{64}$/);
  // Another value, another checksum.
  const edited = structuredClone(VALUES);
  edited.singleuser.profileList[0].kubespawner_override.mem_limit = '6G';
  const again = splitHubValues(release(edited), 'jhub', 'hubs/example.yaml')[2];
  expect((again.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations[HUB_VALUES_CHECKSUM]).not.toBe(annotations[HUB_VALUES_CHECKSUM]);
});

test(`rule: a hub Deployment that does not mount the ConfigMap at ${READABLE_VALUES_DIR} is refused in one line naming the hub file`, () => {
  let error: unknown;
  try {
    splitHubValues(release(VALUES, false), 'jhub', 'hubs/example.yaml');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).message).not.toContain('\n');
  expect((error as UserError).file).toBe('hubs/example.yaml');
  expect((error as UserError).message).toContain(READABLE_VALUES_DIR);
});

test('rule: readableValuesOf reads only the ConfigMap hub-values', () => {
  const [, configMap] = splitHubValues(release(VALUES), 'jhub', 'hubs/example.yaml');
  expect(readableValuesOf({ ...configMap, metadata: { name: 'hub' } })).toBeUndefined();
  expect(readableValuesOf({ ...configMap, kind: 'Secret' })).toBeUndefined();
  expect(readableValuesOf(configMap)).toMatchObject({ singleuser: VALUES.singleuser });
});
