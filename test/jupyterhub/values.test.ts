import { stringify } from 'yaml';
import { loadHubFile } from '../../project/load';
import { secretValues } from '../../project/secrets';
import { NGINX_PROXY_BODY_SIZE } from '../../k8s/jupyterhub/ingress';
import { CORE_NODE_SELECTOR_PATHS } from '../../k8s/jupyterhub/scheduling';
import { JUPYTERHUB_SECRET_VALUE_PATHS, REDACTED, redactSecretValues, secretValuePaths } from '../../k8s/jupyterhub/secret-paths';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { fieldApplies, SECRET_FIELDS, SecretField } from '../../model/secret-fields';
import { at, dummyHub, EXAMPLE_HUB_FILE, exampleWith, FAKE_SECRETS, FAKE_SECRETS_NO_GITHUB, stringLeaves, z2jhSchema, z2jhSchemaErrors } from './support';

const example = loadHubFile(EXAMPLE_HUB_FILE, 'hubs/example.yaml');
const values = jupyterhubValues(example, FAKE_SECRETS);

describe('z2jh values of the example hub', () => {
  z2jhSchema.test('are accepted by the jupyterhub 4.4.0 values schema', () => {
    expect(z2jhSchemaErrors(values)).toEqual([]);
  });

  z2jhSchema.test('the schema check rejects unknown keys and wrong types (so the check above can fail)', () => {
    expect(z2jhSchemaErrors({ hub: { nodeSelectr: {} } })).not.toEqual([]);
    expect(z2jhSchemaErrors({ scheduling: { corePods: { nodeAffinity: { matchNodePurpose: 'never' } } } })).not.toEqual([]);
    expect(z2jhSchemaErrors({ singleuser: { startTimeout: '600' } })).not.toEqual([]);
  });

  test('match the snapshot (fake secrets only)', () => {
    const text = stringify(values, { lineWidth: 0 });
    expect(text).toMatchSnapshot();
  });

  test('serialize without YAML anchors or aliases (no object is shared between two places)', () => {
    const text = stringify(values);
    expect(text).not.toMatch(/[&*]a\d+/);
  });

  test('are the same for the same hub and secrets (rendering is reproducible)', () => {
    expect(stringify(jupyterhubValues(example, FAKE_SECRETS))).toBe(stringify(values));
  });

  test('pin fullnameOverride to "" so cluster-scoped names are prefixed with the release name', () => {
    expect(values.fullnameOverride).toBe('');
    expect(values).not.toHaveProperty('nameOverride');
  });
});

describe('generated secrets', () => {
  test('every token the chart would generate is passed in from the secrets file', () => {
    expect(at(values, ['hub', 'config', 'ConfigurableHTTPProxy', 'auth_token'])).toBe(FAKE_SECRETS.jupyterhub.proxySecretToken);
    expect(at(values, ['hub', 'config', 'JupyterHub', 'cookie_secret'])).toBe(FAKE_SECRETS.jupyterhub.cookieSecret);
    expect(at(values, ['hub', 'config', 'CryptKeeper', 'keys'])).toEqual(FAKE_SECRETS.jupyterhub.cryptKeeperKeys);
    // No registered services whose api_token the chart would generate.
    expect(at(values, ['hub', 'services'])).toBeUndefined();
  });

  test('secret values appear only at the documented secret paths', () => {
    const secrets = secretValues(FAKE_SECRETS);
    const documented = JUPYTERHUB_SECRET_VALUE_PATHS.map((p) => p.join('.'));
    const hits = stringLeaves(values).filter((l) => secrets.some((s) => l.value.includes(s)));
    expect(hits.length).toBe(secrets.length);
    for (const h of hits) {
      const p = h.path.filter((k) => typeof k === 'string').join('.');
      expect(documented).toContain(p);
    }
    // Every path of the fields this hub needs (a GitHub hub: not the other logins' client secrets).
    const applying = (SECRET_FIELDS as readonly SecretField[]).filter((f) => fieldApplies(f, example)).flatMap((f) => f.values.map((p) => p.join('.')));
    expect(secretValuePaths(values)).toEqual(applying);
  });

  test('redaction removes every secret and changes nothing else', () => {
    const redacted = redactSecretValues(values);
    const json = JSON.stringify(redacted);
    for (const s of secretValues(FAKE_SECRETS)) expect(json).not.toContain(s);
    expect(at(redacted, ['hub', 'config', 'CryptKeeper', 'keys'])).toEqual([REDACTED, REDACTED]);
    const stripSecrets = (v: Record<string, unknown>) => {
      const c = structuredClone(v);
      for (const p of JUPYTERHUB_SECRET_VALUE_PATHS) delete (at(c, p.slice(0, -1)) as Record<string, unknown> | undefined)?.[p[p.length - 1]];
      return c;
    };
    expect(stripSecrets(redacted)).toEqual(stripSecrets(values));
    // The input is left alone.
    expect(at(values, ['hub', 'config', 'JupyterHub', 'cookie_secret'])).toBe(FAKE_SECRETS.jupyterhub.cookieSecret);
  });
});

describe('authentication', () => {
  test('GitHub hubs use the github authenticator with the oauthenticator >= 16 option names', () => {
    expect(at(values, ['hub', 'config', 'JupyterHub', 'authenticator_class'])).toBe('github');
    expect(at(values, ['hub', 'config', 'GitHubOAuthenticator'])).toEqual({
      client_id: 'example-github-client-id',
      client_secret: FAKE_SECRETS.github.clientSecret,
      oauth_callback_url: 'https://example.ees220002.projects.jetstream-cloud.org/hub/oauth_callback',
      allowed_users: [],
      admin_users: ['zonca'],
      allowed_organizations: [],
      allow_existing_users: true,
    });
  });

  test('the OAuth callback is the one of the shared model', () => {
    expect(at(values, ['hub', 'config', 'GitHubOAuthenticator', 'oauth_callback_url'])).toBe(example.oauthCallbackUrl);
  });

  test('allowed organizations add the read:org scope (else only public memberships count)', () => {
    const hub = exampleWith((i) => {
      i.jupyterhub.auth.allowedOrganizations = ['jupyterhub', 'my-org:team-a'];
      i.jupyterhub.auth.allowedUsers = ['alice'];
      i.jupyterhub.auth.allowExistingUsers = false;
    });
    const gh = at(jupyterhubValues(hub, FAKE_SECRETS), ['hub', 'config', 'GitHubOAuthenticator']);
    expect(gh).toMatchObject({ allowed_organizations: ['jupyterhub', 'my-org:team-a'], allowed_users: ['alice'], allow_existing_users: false, scope: ['read:org'] });
    expect(at(values, ['hub', 'config', 'GitHubOAuthenticator', 'scope'])).toBeUndefined();
  });

  z2jhSchema.test('the test-only dummy authenticator maps to JupyterHub\'s "dummy" entry point and needs no client secret', () => {
    const v = jupyterhubValues(dummyHub(), FAKE_SECRETS_NO_GITHUB);
    expect(at(v, ['hub', 'config', 'JupyterHub', 'authenticator_class'])).toBe('dummy');
    expect(at(v, ['hub', 'config', 'GitHubOAuthenticator'])).toBeUndefined();
    expect(secretValuePaths(v)).not.toContain('hub.config.GitHubOAuthenticator.client_secret');
    expect(z2jhSchemaErrors(v)).toEqual([]);
  });

  test('a GitHub hub without a client secret is a bug the values builder refuses', () => {
    expect(() => jupyterhubValues(example, FAKE_SECRETS_NO_GITHUB)).toThrow(/github\.clientSecret/);
  });
});

describe('ingress and proxy', () => {
  test('the chart Ingress serves the hub host with TLS from the hub\'s ClusterIssuer', () => {
    expect(values.ingress).toEqual({
      enabled: true,
      ingressClassName: 'traefik',
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      hosts: [example.host],
      tls: [{ hosts: [example.host], secretName: 'jhub-tls' }],
    });
  });

  test('the issuer annotation follows letsEncrypt.issuer', () => {
    const hub = exampleWith((i) => (i.letsEncrypt.issuer = 'letsencrypt-staging'));
    expect(at(jupyterhubValues(hub, FAKE_SECRETS), ['ingress', 'annotations', 'cert-manager.io/cluster-issuer'])).toBe('letsencrypt-staging');
  });

  z2jhSchema.test('only ingress-nginx gets the 500m proxy-body-size annotation, and its own class', () => {
    const nginx = exampleWith((i) => (i.ingress.controller = 'ingress-nginx'));
    const v = jupyterhubValues(nginx, FAKE_SECRETS);
    expect(at(v, ['ingress', 'ingressClassName'])).toBe(nginx.cluster.ingress.className);
    expect(at(v, ['ingress', 'annotations'])).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt',
      'nginx.ingress.kubernetes.io/proxy-body-size': NGINX_PROXY_BODY_SIZE,
    });
    expect(NGINX_PROXY_BODY_SIZE).toBe('500m');
    expect(Object.keys(at(values, ['ingress', 'annotations']) as object).filter((k) => k.startsWith('nginx.'))).toEqual([]);
    expect(z2jhSchemaErrors(v)).toEqual([]);
  });

  test('the proxy is a ClusterIP Service without HTTPS of its own (TLS ends at the ingress)', () => {
    expect(at(values, ['proxy', 'service'])).toEqual({ type: 'ClusterIP' });
    expect(at(values, ['proxy', 'https'])).toEqual({ enabled: false });
  });
});

describe('placement', () => {
  test('every core component with a nodeSelector is on the default worker', () => {
    expect(CORE_NODE_SELECTOR_PATHS.map((p) => p.join('.'))).toEqual([
      'hub.nodeSelector',
      'proxy.chp.nodeSelector',
      'proxy.traefik.nodeSelector',
      'scheduling.userScheduler.nodeSelector',
      'prePuller.hook.nodeSelector',
    ]);
    for (const p of CORE_NODE_SELECTOR_PATHS) {
      expect(at(values, p)).toEqual(example.cluster.coreNodeSelector);
      expect(at(values, p)).toEqual({ 'capi.stackhpc.com/node-group': 'default-worker' });
    }
  });

  test('z2jh node-purpose matching is off for core and user pods (Magnum nodes lack that label)', () => {
    expect(at(values, ['scheduling', 'corePods', 'nodeAffinity', 'matchNodePurpose'])).toBe('ignore');
    expect(at(values, ['scheduling', 'userPods', 'nodeAffinity', 'matchNodePurpose'])).toBe('ignore');
  });

  test('user-scheduler on, pod priority and placeholders from the hub file', () => {
    expect(at(values, ['scheduling', 'userScheduler', 'enabled'])).toBe(true);
    expect(at(values, ['scheduling', 'podPriority'])).toEqual({ enabled: true });
    expect(at(values, ['scheduling', 'userPlaceholder'])).toEqual({ enabled: true, replicas: 4 });
    const none = exampleWith((i) => (i.jupyterhub.scheduling = { userPlaceholders: 0, podPriority: false }));
    const v = jupyterhubValues(none, FAKE_SECRETS);
    expect(at(v, ['scheduling', 'userPlaceholder'])).toEqual({ enabled: false, replicas: 0 });
    expect(at(v, ['scheduling', 'podPriority'])).toEqual({ enabled: false });
  });
});

describe('pre-puller and culling', () => {
  test('the pre-puller hook is disabled (kubectl apply would leave its Job behind)', () => {
    expect(at(values, ['prePuller', 'hook', 'enabled'])).toBe(false);
  });

  test('the continuous pre-puller follows the hub file', () => {
    expect(at(values, ['prePuller', 'continuous', 'enabled'])).toBe(false);
    const on = exampleWith((i) => (i.jupyterhub.prePuller = { continuous: true }));
    expect(at(jupyterhubValues(on, FAKE_SECRETS), ['prePuller', 'continuous', 'enabled'])).toBe(true);
  });

  test('culling follows the hub file', () => {
    expect(values.cull).toEqual({ enabled: true, timeout: 3600 });
    const off = exampleWith((i) => (i.jupyterhub.culling = { enabled: false, timeout: 600 }));
    expect(jupyterhubValues(off, FAKE_SECRETS).cull).toEqual({ enabled: false, timeout: 600 });
  });
});

describe('single-user servers', () => {
  test('image, default URL, resources, storage, timeout and environment come from the hub file', () => {
    const hub = exampleWith((i) => {
      i.jupyterhub.singleuser = {
        image: 'registry.example.org:5000/team/notebook:1.2.3',
        defaultUrl: '/tree',
        cpuGuarantee: 0.5,
        cpuLimit: 2,
        memoryGuarantee: '1G',
        memoryLimit: '3G',
        storageCapacity: '20Gi',
        storageClass: 'fast-ssd',
        startTimeout: 900,
        extraEnv: { GREETING: 'hello' },
      };
    });
    const su = jupyterhubValues(hub, FAKE_SECRETS).singleuser as Record<string, unknown>;
    expect(su.image).toEqual({ name: 'registry.example.org:5000/team/notebook', tag: '1.2.3' });
    expect(su.defaultUrl).toBe('/tree');
    expect(su.cpu).toEqual({ guarantee: 0.5, limit: 2 });
    expect(su.memory).toEqual({ guarantee: '1G', limit: '3G' });
    expect(su.storage).toEqual({ capacity: '20Gi', dynamic: { storageClass: 'fast-ssd' } });
    expect(su.startTimeout).toBe(900);
    expect(su.extraEnv).toEqual({ GREETING: 'hello' });
  });

  test('unset resources and storage class keep the chart defaults (keys left out)', () => {
    const su = values.singleuser as Record<string, unknown>;
    expect(su.cpu).toBeUndefined();
    expect(su.memory).toEqual({ guarantee: '1G' });
    expect(su.storage).toEqual({ capacity: '10Gi' });
  });

  test('a hub without profiles has no profile list', () => {
    const hub = exampleWith((i) => (i.jupyterhub.profiles = []));
    expect(jupyterhubValues(hub, FAKE_SECRETS).singleuser).not.toHaveProperty('profileList');
  });
});
