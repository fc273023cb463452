/**
 * What is reviewed is what runs: every non-secret value jhm gives a hub is readable text in
 * `dist/` (the ConfigMap `hub-values`, `k8s/jupyterhub/readable-values.ts`), a one-line hub edit
 * is a small readable diff naming the new value and a line of `jhm diff` in words, no secret value
 * is in `dist/`, `cdktf.out/` or `.jhm/`, and the two objects the hub reads, merged as the chart's
 * own `z2jh.py` merges them, give exactly the values the chart would have given it in one piece.
 *
 * The edit and the scan run with the test charts and again with the real ones (`realCharts`); the
 * merge needs the real chart (its `files/hub/z2jh.py`) and python3 with PyYAML, and is skipped,
 * saying so, without them.
 */
import { execFileSync, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTwoFilesPatch } from 'diff';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { loadHubs } from '../../project/load';
import { loadSecrets } from '../../project/secrets';
import { HelmRenderer } from '../../k8s/helm/render';
import { K8sObject } from '../../k8s/helm/types';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { HUB_VALUES_CHECKSUM, HUB_VALUES_CONFIGMAP, mergeLikeZ2jh, READABLE_VALUES_DIR, VALUES_KEY } from '../../k8s/jupyterhub/readable-values';
import { secretValues } from '../../model/secret-fields';
import { compareOutputs, describeHubValues } from '../../synth/compare';
import { realCharts } from '../support/outside-files';
import { EXAMPLE_HUB, makeProject, readTree, removeProjects, TestProject } from '../support/project';

afterAll(removeProjects);

const real = realCharts();
const DIST_FILE = 'dist/example/05-jupyterhub.yaml';
const SECRETS_FILE = 'dist-secrets/example/05-jupyterhub.yaml';
/** jhm diff's line for the edit. */
const WORDS = 'hub example: singleuser.profileList[1].kubespawner_override.mem_limit: 4G -> 6G';

/** The objects of a manifest file. */
function objects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject)
    .filter((o) => o && o.kind);
}

/** The lines a change adds, as a unified diff shows them (without the `+`). */
function addedLines(before: string, after: string): string[] {
  return createTwoFilesPatch('a', 'b', before, after, undefined, undefined, { context: 0 })
    .split('\n')
    .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
    .map((l) => l.slice(1));
}

/** Where any of `values` shows in `files`: plain, base64, or inside a base64 run once decoded. */
function leaks(files: ReadonlyMap<string, string>, values: readonly string[]): string[] {
  const found: string[] = [];
  for (const [file, text] of files) {
    const decoded = (text.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []).map((run) => Buffer.from(run, 'base64').toString('latin1'));
    for (const v of values) {
      const b64 = Buffer.from(v).toString('base64').replace(/=+$/, '');
      if (text.includes(v) || text.includes(b64) || decoded.some((d) => d.includes(v))) found.push(file);
    }
  }
  return found;
}

describe.each([
  ['test charts', false],
  ['real charts', true],
] as const)('with the %s', (label, useReal) => {
  const run = useReal ? real.test : test;

  run(`rule: one profile's memory limit 4G -> 6G is a readable changed line of dist/ and a jhm diff line in words, dist-secrets/ does not change, and no secret is in dist/, cdktf.out/ or .jhm/ (${label})`, async () => {
    const project = await makeProject({ hubs: { example: EXAMPLE_HUB } });
    const helm = useReal ? { chartsDir: real.dir } : {};
    await project.synth({ helm });
    const before = project.tree('dist');
    const secretsBefore = project.read(SECRETS_FILE);

    const edited = EXAMPLE_HUB.replace(/^(\s*memoryLimit:) 4G$/m, '$1 6G');
    expect(edited).not.toBe(EXAMPLE_HUB);
    project.write('hubs/example.yaml', edited);
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-readable-'));
    try {
      // What jhm diff compares: the committed output against a synth that reads no secrets.
      await project.synth({ helm, outRoot: fresh, secrets: 'none' });
      const words = compareOutputs(project.root, fresh, ['example']).flatMap(describeHubValues);
      expect(words).toEqual([WORDS]);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
    if (!useReal) {
      // jhm diff prints the line (with the test charts, which project.jhm uses), and the preflight
      // of the written manifests finds nothing (the Deployment's volume names the ConfigMap).
      const diff = await project.jhm('diff', 'example');
      expect(diff.code).toBe(0);
      expect(diff.stdout.split('\n')).toContain(WORDS);
      const preflight = await project.jhm('validate', '--manifests', 'example');
      expect(preflight.code).toBe(0);
    }

    await project.synth({ helm });
    const after = project.tree('dist');
    const changed = [...after].filter(([f, t]) => before.get(f) !== t).map(([f]) => f);
    expect(changed).toEqual(['example/05-jupyterhub.yaml']);
    const added = addedLines(before.get('example/05-jupyterhub.yaml')!, after.get('example/05-jupyterhub.yaml')!);
    // The new value, readable, in the ConfigMap; besides it only the pod template's checksums (and
    // the test chart's own echo of its values in its hub ConfigMap, one line of JSON).
    expect(added.filter((l) => /^\s+mem_limit: 6G$/.test(l))).toHaveLength(1);
    const checksums = added.filter((l) => /^\s+checksum\/[a-z-]+: [0-9a-f]+$/.test(l));
    expect(checksums.some((l) => l.includes(HUB_VALUES_CHECKSUM))).toBe(true);
    const others = added.filter((l) => !/^\s+mem_limit: 6G$/.test(l) && !checksums.includes(l));
    expect(others).toEqual(useReal ? [] : [expect.stringMatching(/^\s+values\.json: /)]);
    // The Secret holds the secret values only: a configuration edit leaves it as it was.
    expect(project.read(SECRETS_FILE)).toBe(secretsBefore);

    const hub = loadHubs(project.root)[0];
    const secrets = secretValues(loadSecrets(project.root, hub));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const scanned = new Map<string, string>();
    for (const dir of ['dist', 'cdktf.out', '.jhm']) for (const [f, t] of readTree(project.path(dir))) scanned.set(`${dir}/${f}`, t);
    expect([...scanned.keys()].some((f) => f.startsWith('.jhm/'))).toBe(true);
    expect(leaks(scanned, secrets)).toEqual([]);
    // ... while dist-secrets/ does hold them (the scan finds what is there).
    expect(leaks(new Map([[SECRETS_FILE, project.read(SECRETS_FILE)]]), secrets).length).toBeGreaterThan(0);
  });
});

test("rule: chart values that would keep the hub from reading its readable values (a hub.extraVolumes list replacing jhm's) stop synth with one line naming the hub file and the fix", async () => {
  const hubText = EXAMPLE_HUB.replace(/^jupyterhub:\n/m, 'jupyterhub:\n  values:\n    hub:\n      extraVolumes: [{name: scratch, emptyDir: {}}]\n      extraVolumeMounts: [{name: scratch, mountPath: /scratch}]\n');
  expect(hubText).not.toBe(EXAMPLE_HUB);
  const project = await makeProject({ hubs: { example: hubText } });
  const run = await project.jhm('synth', 'example');
  expect(run.code).toBe(1);
  expect(run.stderr.trim().split('\n').filter((l) => l.startsWith('error:'))).toEqual([
    expect.stringMatching(/^error: hubs\/example\.yaml: jupyterhub\.values: the hub Deployment would not mount ConfigMap hub-values \(alone\) at \/usr\/local\/etc\/jupyterhub\/existing-secret\/, .* \(leave hub\.existingSecret unset, and keep jhm's volume hub-values .*\)$/),
  ]);
  expect(fs.existsSync(project.path(DIST_FILE))).toBe(false);
});

/** Whether python3 with PyYAML runs here. */
function pythonYaml(): boolean {
  const r = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Runs the chart's `z2jh.py` (from `chartDir`) in python3: `script` gets `z2jh`, `json`, `yaml` and `root`. */
function z2jh(chartDir: string, root: string, script: string): unknown {
  const program = [
    'import builtins, json, os, sys, yaml',
    // z2jh.py reads /usr/local/etc/jupyterhub/...: those paths are read under `root` instead.
    `PREFIX = '/usr/local/etc/jupyterhub/'`,
    `root = ${JSON.stringify(root)}`,
    'def moved(p): return os.path.join(root, p[len(PREFIX):]) if isinstance(p, str) and p.startswith(PREFIX) else p',
    'exists, real_open = os.path.exists, builtins.open',
    'os.path.exists = lambda p: exists(moved(p))',
    'builtins.open = lambda p, *a, **k: real_open(moved(p), *a, **k)',
    `sys.path.insert(0, ${JSON.stringify(path.join(chartDir, 'files', 'hub'))})`,
    'import z2jh',
    script,
  ].join('\n');
  // z2jh.py prints what it loads ("Loading ..."): the result is the last line.
  return JSON.parse(execFileSync('python3', ['-c', program], { encoding: 'utf8' }).trim().split('\n').pop()!);
}

const python = pythonYaml();
const withPython = python ? real.test : test.skip;
if (!python) console.log('skipped: the z2jh.py merge tests need python3 with PyYAML (apt-get install python3-yaml)');

describe("the chart's z2jh.py", () => {
  let chartDir: string;
  beforeAll(() => {
    if (!real.present || !python) return;
    chartDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-z2jh-'));
    execFileSync('tar', ['-xzf', path.join(real.dir, 'jupyterhub-4.4.0.tgz'), '-C', chartDir]);
    chartDir = path.join(chartDir, 'jupyterhub');
  });
  afterAll(() => {
    if (chartDir) fs.rmSync(path.dirname(chartDir), { recursive: true, force: true });
  });

  withPython('rule: mergeLikeZ2jh merges as z2jh.py _merge_dictionaries does (mappings key by key, lists and scalars replaced)', () => {
    const a = { hub: { config: { A: { x: 1, keys: ['k1', 'k2'] }, B: { y: 2 } }, list: [1, 2, 3], n: null }, only: { a: 1 } };
    const b = { hub: { config: { A: { keys: ['k3'] }, B: null }, list: [4], n: { now: 'a map' } }, more: [{ m: 1 }] };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-merge-'));
    try {
      const merged = z2jh(chartDir, dir, `print(json.dumps(z2jh._merge_dictionaries(json.loads(${JSON.stringify(JSON.stringify(a))}), json.loads(${JSON.stringify(JSON.stringify(b))}))))`);
      expect(mergeLikeZ2jh(a, b)).toEqual(merged);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  withPython('rule: the values z2jh.py loads from the hub-values ConfigMap and the hub Secret equal those the chart puts in its Secret when given all of them (and hold every value jhm computed)', async () => {
    const project: TestProject = await makeProject({ hubs: { example: EXAMPLE_HUB } });
    // Two CryptKeeper keys: the one placeholder of the list becomes two items in the Secret.
    const file = project.path('secrets/example.yaml');
    const text = parse(fs.readFileSync(file, 'utf8')) as { jupyterhub: { cryptKeeperKeys: string[] } };
    text.jupyterhub.cryptKeeperKeys = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    fs.writeFileSync(file, stringify(text), { mode: 0o600 });
    await project.synth({ helm: { chartsDir: real.dir } });
    const hub = loadHubs(project.root)[0];
    const secrets = loadSecrets(project.root, hub);

    // The two objects as written, and where the Deployment mounts the ConfigMap.
    const dist = objects(project.read(DIST_FILE));
    const configMap = dist.find((o) => o.kind === 'ConfigMap' && o.metadata.name === HUB_VALUES_CONFIGMAP)!;
    const hubSecret = objects(project.read(SECRETS_FILE)).find((o) => o.kind === 'Secret' && o.metadata.name === 'hub')!;
    const deployment = dist.find((o) => o.kind === 'Deployment' && o.metadata.name === 'hub')! as unknown as { spec: { template: { spec: { volumes: { name: string; configMap?: { name: string } }[]; containers: { name: string; volumeMounts: { name: string; mountPath: string }[] }[] } } } };
    const pod = deployment.spec.template.spec;
    const mount = pod.containers.find((c) => c.name === 'hub')!.volumeMounts.find((m) => m.mountPath === READABLE_VALUES_DIR)!;
    expect(pod.volumes.find((v) => v.name === mount.name)?.configMap?.name).toBe(HUB_VALUES_CONFIGMAP);
    // Only values.yaml: z2jh.py's get_secret_value looks in existing-secret/ first, and must find
    // the tokens in the hub Secret.
    expect(Object.keys(configMap.data as object)).toEqual([VALUES_KEY]);

    // The chart as helm renders it with every value jhm computed, real secrets included, in one piece.
    const renderer = new HelmRenderer({ ...project.helm, chartsDir: real.dir });
    const values = jupyterhubValues(hub, secrets);
    const whole = await renderer.render({ chart: renderer.charts.pin(hub.jupyterhub.chart), release: hub.jupyterhub.release, namespace: hub.jupyterhub.namespace, values, kubeVersion: hub.cluster.kubeVersion, clusterScopedKinds: [] });
    const wholeSecret = whole.objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'hub')!;

    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-z2jh-root-'));
    try {
      for (const [dir, text] of [
        ['secret', Buffer.from((hubSecret.data as Record<string, string>)[VALUES_KEY], 'base64').toString('utf8')],
        ['existing-secret', (configMap.data as Record<string, string>)[VALUES_KEY]],
        ['whole', Buffer.from((wholeSecret.data as Record<string, string>)[VALUES_KEY], 'base64').toString('utf8')],
      ]) {
        fs.mkdirSync(path.join(root, dir));
        fs.writeFileSync(path.join(root, dir, VALUES_KEY), text);
      }
      // z2jh.py's own loader (secret/, then existing-secret/ merged over it), and PyYAML's reading of the chart's whole values.
      const [loaded, chart] = z2jh(chartDir, root, "print(json.dumps([z2jh._load_config(), yaml.safe_load(open(os.path.join(root, 'whole', 'values.yaml')))]))") as [Record<string, unknown>, Record<string, unknown>];
      expect(loaded).toEqual(chart);
      // Every value jhm computed is there as computed (the chart adds its defaults around them).
      expect(loaded).toMatchObject(values);
      // Each object holds only its own part: no secret in the ConfigMap, nothing but secrets in the Secret.
      const secretOnly = parse(fs.readFileSync(path.join(root, 'secret', VALUES_KEY), 'utf8')) as { hub: { config: Record<string, Record<string, unknown>> } };
      expect(Object.keys(secretOnly)).toEqual(['hub']);
      expect(Object.keys(secretOnly.hub)).toEqual(['config']);
      const leaves = Object.values(secretOnly.hub.config).flatMap((c) => Object.values(c).flat());
      expect(leaves.sort()).toEqual(secretValues(secrets).sort());
      expect(secrets.jupyterhub.cryptKeeperKeys).toHaveLength(2);
      expect(leaks(new Map([['ConfigMap', (configMap.data as Record<string, string>)[VALUES_KEY]]]), secretValues(secrets))).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
