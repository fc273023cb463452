/**
 * Rule (issue 10): the apply waves are one table (`k8s/waves.ts`). The file names of dist/<hub>/,
 * the sync-wave annotation on every object, the stages of `jhm apply` (and what each waits for)
 * and `jhm apply --help` all come from it: every wave of the table appears in each, in table
 * order, and no other source module spells a wave's file name, number or title.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { planApply } from '../../cli/tools/apply-waves';
import { defineHub } from '../../model/hub';
import { K8sObject } from '../../k8s/helm/types';
import { ClusterApp, RenderedRelease } from '../../k8s/hub-manifests';
import { applyStagesHelp, SYNC_WAVE_ANNOTATION, syncWave, WAVE_ORDER, WAVE_STAGES, WAVES } from '../../k8s/waves';
import { createProject, runCli, writeManifests } from '../support/fake-tools/project';
import { EXAMPLE_HUB, REPO } from '../support/project';

const hub = defineHub('example', parse(EXAMPLE_HUB), {}, 'hubs/example.yaml');
const obj = (apiVersion: string, kind: string, name: string, namespace?: string): K8sObject => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });

describe('the table', () => {
  test('a wave\'s number is its position; its file is <NN>-<stem>.yaml; stems and titles are unique', () => {
    WAVE_ORDER.forEach((w, i) => {
      expect(w.index).toBe(i);
      expect(w.fileName).toBe(`${String(i).padStart(2, '0')}-${w.stem}.yaml`);
      expect(WAVES[w.name]).toBe(w);
      expect(syncWave(w)).toBe(String(i));
    });
    expect(new Set(WAVE_ORDER.map((w) => w.stem)).size).toBe(WAVE_ORDER.length);
    expect(new Set(WAVE_ORDER.map((w) => w.title)).size).toBe(WAVE_ORDER.length);
  });

  test('stages are numbered 1, 2, … and never go back: applying stage by stage keeps the table order', () => {
    expect(WAVE_ORDER[0].stage).toBe(1);
    for (let i = 1; i < WAVE_ORDER.length; i++) expect([0, 1]).toContain(WAVE_ORDER[i].stage - WAVE_ORDER[i - 1].stage);
    expect(WAVE_STAGES.flatMap((s) => s.waves)).toEqual(WAVE_ORDER);
    expect(WAVE_STAGES.map((s) => s.number)).toEqual(WAVE_STAGES.map((_, i) => i + 1));
  });
});

describe('every wave of the table, in order, in each consumer', () => {
  test('the files of dist/<hub>/ and the sync-wave annotation of every object in them', () => {
    // One object for every wave a release can fill; the namespaces and ClusterIssuers are jhm's own.
    const releases: RenderedRelease[] = [
      { wave: 'certManager', release: 'cert-manager', namespace: 'cert-manager', objects: [obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'a.b'), obj('apps/v1', 'Deployment', 'cm', 'cert-manager')] },
      { wave: 'ingress', release: 'traefik', namespace: 'traefik', objects: [obj('apps/v1', 'Deployment', 'traefik', 'traefik')] },
      { wave: 'jupyterhub', release: 'jhub', namespace: 'jhub', objects: [obj('v1', 'ConfigMap', 'hub', 'jhub')] },
    ];
    const files = new ClusterApp({ cluster: hub.cluster, hubs: [hub], releases }).synthFiles();
    expect([...files.dist.keys()]).toEqual(WAVE_ORDER.map((w) => w.fileName));
    for (const wave of WAVE_ORDER) {
      const text = files.dist.get(wave.fileName)!;
      expect(text.split('\n')[0]).toContain(`Apply wave ${wave.index}: ${wave.title}.`);
      const objects = parseAllDocuments(text).map((d) => d.toJS() as K8sObject);
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) expect(o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]).toBe(syncWave(wave));
    }
  });

  test("jhm apply's stages: their numbers, titles, files (in table order) and waits", () => {
    const project = createProject();
    try {
      writeManifests(project);
      const stages = planApply(project.root, 'example');
      expect(stages.map((s) => [s.number, s.title])).toEqual(WAVE_STAGES.map((s) => [s.number, s.title]));
      stages.forEach((stage, i) => {
        const files = stage.steps.flatMap((s) => (s.kind === 'apply' ? s.files : [])).filter((f) => f.startsWith('dist/'));
        expect(files).toEqual(WAVE_STAGES[i].waves.map((w) => `dist/example/${w.fileName}`));
        const waits = new Set(stage.steps.flatMap((s) => (s.kind === 'apply' ? [] : [s.kind])));
        expect(waits).toEqual(new Set(WAVE_STAGES[i].waves.flatMap((w) => (w.wait.kind === 'none' ? [] : [w.wait.kind]))));
      });
    } finally {
      project.dispose();
    }
  });

  test('jhm apply --help lists the stages, their waves and waits, in order', async () => {
    const r = await runCli(['apply', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(applyStagesHelp());
    expect(r.stdout).toContain(`in ${WAVE_STAGES.length} stages`);
    let at = 0;
    for (const stage of WAVE_STAGES) {
      at = r.stdout.indexOf(`${stage.number}. ${stage.title}`, at);
      expect(at).toBeGreaterThan(0);
      for (const w of stage.waves) {
        expect(stage.title).toContain(w.label);
        if (w.wait.kind !== 'none') expect(r.stdout).toContain(w.wait.help);
      }
    }
  });
});

/** Every TypeScript source of the project outside tests and generated bindings. */
function sources(dir = REPO, rel = ''): string[] {
  const skip = new Set(['node_modules', 'lib', 'test', 'imports', 'cdktf.out', 'dist', 'dist-secrets', '.git', '.jhm']);
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = path.join(rel, e.name);
    if (e.isDirectory()) return skip.has(e.name) ? [] : sources(dir, p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `text` as a string literal in TypeScript source, in any quotes. */
const literal = (text: string) => new RegExp(`["'\`]${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "\\\\?'")}["'\`]`, 'i');

test('no source module but k8s/waves.ts spells a wave file name or number, a wave or stage title, or the sync-wave annotation', () => {
  const stems = WAVE_ORDER.map((w) => w.stem.replace(/[-]/g, '\\-')).join('|');
  const spelled: Array<[string, RegExp]> = [
    ['a wave file name or number', new RegExp(`\\b\\d{1,2}-(${stems})\\b`)],
    ['a wave file number', /padStart\(2, '0'\)/],
    ['the sync-wave annotation', /argoproj\.io\/sync-wave/],
    // As string literals (prose may say "the ingress controller").
    ...WAVE_ORDER.filter((w) => /\s/.test(w.title)).map((w): [string, RegExp] => [`the title of wave ${w.name}`, literal(w.title)]),
    ...WAVE_STAGES.map((s): [string, RegExp] => [`the title of stage ${s.number}`, literal(s.title)]),
  ];
  const files = sources();
  expect(files).toContain(path.join('k8s', 'waves.ts'));
  expect(files).toContain(path.join('cli', 'tools', 'apply-waves.ts'));
  const found: string[] = [];
  for (const file of files.filter((f) => f !== path.join('k8s', 'waves.ts'))) {
    const text = fs.readFileSync(path.join(REPO, file), 'utf8');
    for (const [what, re] of spelled) if (re.test(text)) found.push(`${file}: ${what} (${re.exec(text)![0]})`);
  }
  expect(found).toEqual([]);
});

test('rule (issue 11): a per-hub wave has one file per hub on a cluster file, <NN>-<stem>-<hub>.yaml; a dedicated cluster keeps <NN>-<stem>.yaml; waveOfFile reads both back', () => {
  const { waveFileName, waveOfFile } = require('../../k8s/waves') as typeof import('../../k8s/waves');
  for (const w of WAVE_ORDER) {
    expect(waveFileName(w)).toBe(w.fileName);
    expect(waveFileName(w, 'course-a')).toBe(w.perHub ? `${w.id}-course-a.yaml` : w.fileName);
    expect(waveOfFile(w.fileName)).toEqual({ wave: w });
    if (w.perHub) expect(waveOfFile(`${w.id}-course-a.yaml`)).toEqual({ wave: w, hub: 'course-a' });
  }
  expect(WAVE_ORDER.filter((w) => w.perHub).map((w) => w.name)).toEqual(['jupyterhub']);
  expect(waveOfFile('99-other.yaml')).toBeUndefined();
});
