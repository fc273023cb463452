/**
 * Rejected hub inputs: each rule of the hub schema refuses a bad value with a message naming the
 * field, and errors from a file name the file and line on one line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { UserError, UserErrors } from '../../model/errors';
import { defineHub, Hub } from '../../model/hub';
import { loadHubFile } from '../../project/load';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE_TEXT = fs.readFileSync(path.join(ROOT, 'hubs', 'example.yaml'), 'utf8');

/** A fresh copy of the example hub file as data (valid), to spread bad values into. */
function base(): Record<string, any> {
  return parse(EXAMPLE_TEXT);
}

/** The formatted errors `defineHub` throws for `input`, or fails when it accepts it. */
function errorsOf(input: unknown, name = 'example'): string[] {
  try {
    defineHub(name, input, {}, 'hubs/example.yaml');
  } catch (e) {
    if (e instanceof UserErrors) return e.errors.map((x) => x.format());
    if (e instanceof UserError) return [e.format()];
    throw e;
  }
  throw new Error('the hub was accepted');
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Writes `text` to a temporary hubs/<name>.yaml and loads it as `jhm` does. */
function loadText(text: string, name = 'bad'): Hub | UserError[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-hub-'));
  dirs.push(dir);
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, text);
  try {
    return loadHubFile(file, `hubs/${name}.yaml`);
  } catch (e) {
    if (e instanceof UserErrors) return e.errors;
    if (e instanceof UserError) return [e];
    throw e;
  }
}

test('rule: the example hub is valid (the base of every case below, so each refusal is the edit\'s)', () => {
  expect(defineHub('example', base()).name).toBe('example');
});

describe('rule: a hub file with any of these is refused, with one error line naming the file and the field', () => {
  test('an even number of control-plane nodes', () => {
    const h = base();
    h.cluster.masterCount = 2;
    expect(errorsOf(h)).toEqual([expect.stringMatching(/^hubs\/example\.yaml: cluster\.masterCount: is 2: Magnum needs an odd number of control-plane nodes/)]);
  });

  test('a nodegroup minimum below 1', () => {
    const h = base();
    h.nodeGroups[0].minNodes = 0;
    expect(errorsOf(h)).toEqual([expect.stringMatching(/nodeGroups\[0\]\.minNodes: must be at least 1: a Magnum nodegroup cannot scale below 1 node/)]);
  });

  test('a minimum above the maximum', () => {
    const h = base();
    h.nodeGroups[0] = { ...h.nodeGroups[0], minNodes: 5, maxNodes: 3 };
    expect(errorsOf(h)).toEqual([expect.stringMatching(/nodeGroups\[0\]\.minNodes: is 5, more than maxNodes \(3\); minNodes must not exceed maxNodes/)]);
  });

  test('a default-worker minimum above its maximum', () => {
    const h = base();
    h.cluster.defaultWorker = { ...h.cluster.defaultWorker, minNodes: 2, maxNodes: 1 };
    expect(errorsOf(h)).toEqual(expect.arrayContaining([expect.stringMatching(/cluster\.defaultWorker\.minNodes: is 2, more than maxNodes \(1\)/)]));
  });

  test('a node count outside minNodes..maxNodes', () => {
    const h = base();
    h.nodeGroups[0] = { ...h.nodeGroups[0], minNodes: 2, maxNodes: 4, nodeCount: 5 };
    expect(errorsOf(h)).toEqual([expect.stringMatching(/nodeGroups\[0\]\.nodeCount: is 5, outside minNodes\.\.maxNodes \(2\.\.4\)/)]);
    h.nodeGroups[0].nodeCount = 1;
    expect(errorsOf(h)).toEqual([expect.stringMatching(/nodeGroups\[0\]\.nodeCount: is 1, outside minNodes\.\.maxNodes \(2\.\.4\)/)]);
  });

  test('duplicate nodegroup names', () => {
    const h = base();
    h.nodeGroups.push({ ...h.nodeGroups[0] });
    expect(errorsOf(h)).toEqual([expect.stringMatching(/nodeGroups\[1\]\.name: "mediums" is already the name of nodeGroups\[0\]; nodegroup names must be unique/)]);
  });

  test('a nodegroup named like the groups Magnum creates', () => {
    const h = base();
    h.nodeGroups[0].name = 'default-worker';
    expect(errorsOf(h)).toEqual(expect.arrayContaining([expect.stringMatching(/nodeGroups\[0\]\.name: "default-worker" is created by Magnum with the cluster/)]));
  });

  test.each([
    ['nodegroup name', (h: Record<string, any>) => (h.nodeGroups[0].name = 'Big_Nodes'), 'nodeGroups[0].name'],
    ['cluster name', (h: Record<string, any>) => (h.cluster.name = 'my.cluster'), 'cluster.name'],
    ['DNS record', (h: Record<string, any>) => (h.dns.record = '-hub'), 'dns.record'],
  ])('a %s that is not a DNS label', (_what, edit, field) => {
    const h = base();
    edit(h);
    expect(errorsOf(h)).toEqual(expect.arrayContaining([expect.stringContaining(`${field}: must be a DNS label`)]));
  });

  test('a hub name that is not a DNS label', () => {
    expect(errorsOf(base(), 'My_Hub')).toEqual([expect.stringMatching(/^hubs\/example\.yaml: hub name "My_Hub" is not a DNS label/)]);
  });

  test('a zone without the trailing dot', () => {
    const h = base();
    h.dns.zone = 'ees220002.projects.jetstream-cloud.org';
    expect(errorsOf(h)).toEqual([expect.stringMatching(/dns\.zone: must be a DNS zone name ending with a dot/)]);
  });

  test('an unknown field', () => {
    const h = base();
    h.cluster.autoscalling = true;
    expect(errorsOf(h)).toEqual([expect.stringMatching(/cluster: unknown field "autoscalling": remove it or check the spelling/)]);
  });

  test('a profile naming an unknown nodegroup', () => {
    const h = base();
    h.jupyterhub.profiles[1].nodeGroup = 'larges';
    expect(errorsOf(h)).toEqual([expect.stringMatching(/jupyterhub\.profiles\[1\]\.nodeGroup: "larges" is not a nodegroup of this hub; use one of: default-worker, mediums/)]);
  });

  test('dummy authentication with a public zone', () => {
    const h = base();
    h.jupyterhub.auth = { type: 'dummy' };
    expect(errorsOf(h)).toEqual([expect.stringMatching(/jupyterhub\.auth\.type: "dummy" lets anyone log in and is for tests only; it is refused for the public zone/)]);
  });

  test('(the exception: dummy authentication under a reserved test zone is accepted)', () => {
    const h = base();
    h.jupyterhub.auth = { type: 'dummy' };
    h.dns.zone = 'hubs.test.';
    expect(defineHub('example', h).jupyterhub.auth.type).toBe('dummy');
  });

  test.each([
    ['singleuser image', (h: Record<string, any>) => (h.jupyterhub.singleuser.image = 'quay.io/jupyter/scipy-notebook:latest'), 'jupyterhub.singleuser.image'],
    ['profile image', (h: Record<string, any>) => (h.jupyterhub.profiles[0].image = 'quay.io/jupyter/base-notebook:latest'), 'jupyterhub.profiles[0].image'],
  ])('a %s with the tag :latest', (_what, edit, field) => {
    const h = base();
    edit(h);
    expect(errorsOf(h)).toEqual([expect.stringContaining(`${field}: must not use the tag "latest"`)]);
  });

  test.each(['quay.io/jupyter/scipy-notebook', 'scipy-notebook', 'localhost:5000/notebook'])('an image without a tag (%s)', (image) => {
    const h = base();
    h.jupyterhub.singleuser.image = image;
    expect(errorsOf(h)).toEqual([expect.stringContaining('jupyterhub.singleuser.image: must be "name:tag" with an explicit tag')]);
  });

  test.each([
    ['no profile', [false, false]],
    ['two profiles', [true, true]],
  ])('%s marked as the default among several', (_what, defaults) => {
    const h = base();
    h.jupyterhub.profiles.forEach((p: Record<string, unknown>, i: number) => (p.default = defaults[i]));
    expect(errorsOf(h)).toEqual([expect.stringMatching(/jupyterhub\.profiles: \d profiles have default: true; mark exactly one profile as the default/)]);
  });

  test('two profiles with the same slug', () => {
    const h = base();
    h.jupyterhub.profiles[1].slug = 'low-power-default-worker';
    expect(errorsOf(h)).toEqual([expect.stringContaining('jupyterhub.profiles[1]: has the same slug "low-power-default-worker" as profiles[0]')]);
  });

  test('a create timeout under 60 minutes', () => {
    const h = base();
    h.cluster.createTimeout = '30m';
    expect(errorsOf(h)).toEqual([expect.stringMatching(/cluster\.createTimeout: is 30m: .*use at least "60m"/)]);
  });

  test('an update timeout under 30 minutes (the provider default; a rolling upgrade replaces every node)', () => {
    const h = base();
    h.cluster.updateTimeout = '20m';
    expect(errorsOf(h)).toEqual([expect.stringMatching(/cluster\.updateTimeout: is 20m: a rolling upgrade replaces every node one at a time; use at least "30m"/)]);
  });
});

describe('rule: errors from a hub file', () => {
  test('name the file, line and field on one line', () => {
    const text = EXAMPLE_TEXT.replace('masterCount: 1', 'masterCount: 4');
    const line = text.split('\n').findIndex((l) => l.includes('masterCount: 4')) + 1;
    const errors = loadText(text);
    expect(Array.isArray(errors)).toBe(true);
    const formatted = (errors as UserError[]).map((e) => e.format());
    expect(formatted).toEqual([`hubs/bad.yaml:${line}: cluster.masterCount: is 4: Magnum needs an odd number of control-plane nodes (1, 3, 5)`]);
    expect(formatted[0]).not.toContain('\n');
  });

  test('every problem of a file is reported, each on its own line', () => {
    const text = EXAMPLE_TEXT.replace('masterCount: 1', 'masterCount: 2').replace('jetstream-cloud.org.', 'jetstream-cloud.org');
    const errors = loadText(text) as UserError[];
    expect(errors.map((e) => e.field).sort()).toEqual(['cluster.masterCount', 'dns.zone']);
    for (const e of errors) expect(e.format()).toMatch(/^hubs\/bad\.yaml:\d+: [a-zA-Z.[\]0-9]+: [^\n]+$/);
  });

  test('invalid YAML is reported as one line naming the file', () => {
    const errors = loadText('cluster:\n  keypair: a\n  keypair: b\n') as UserError[];
    expect(errors.map((e) => e.format())).toEqual([expect.stringMatching(/^hubs\/bad\.yaml(:\d+)?: invalid YAML: Map keys must be unique$/)]);
  });

  // Known gap in project/load.ts: it reads `error.linePos`, which yaml only fills with
  // prettyErrors: true, so YAML syntax errors carry no line. Remove `.failing` once fixed.
  test('invalid YAML is reported with its line', () => {
    const errors = loadText('cluster:\n  keypair: a\n  keypair: b\n') as UserError[];
    expect(errors[0].format()).toMatch(/^hubs\/bad\.yaml:3: invalid YAML: /);
  });
});
