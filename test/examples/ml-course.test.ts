/**
 * The course-hub example (issue 21, item 7): hubs/ml-course.yaml, a 40-student machine-learning
 * course with GitHub organization logins, teams as groups, an instructor-only GPU profile, image
 * and size menus with a custom image, more memory for one team, and a one-hour culler. It passes
 * jhm validate without a warning, jhm synth states its SU figures, and synthesized with the real charts (skipped with one line
 * where they are not) its output has no preflight finding; the hub-side Python that dist/ holds
 * gives each kind of user the profiles the file says.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { HUB_VALUES_CONFIGMAP, VALUES_KEY } from '../../k8s/jupyterhub/readable-values';
import { assertPreflight } from '../../k8s/preflight';
import { jetstream2Flavor } from '../../model/flavors';
import { defineHub } from '../../model/hub';
import { gpuProfileErrors, profileFitWarnings } from '../../model/profile-fit';
import { checkManifestFolders } from '../../synth/manifest-check';
import { makeProject, removeProjects, REPO } from '../support/project';
import { problems } from '../support/problems';
import { realCharts } from '../support/outside-files';
import { hasPython, profilesSeen } from '../support/profile-rules';

afterAll(removeProjects);

const HUB = fs.readFileSync(path.join(REPO, 'hubs', 'ml-course.yaml'), 'utf8');
const charts = realCharts();

test('rule: the course hub passes jhm validate with no error and no warning (every profile, size and group fits its nodes)', async () => {
  const project = await makeProject({ hubs: { 'ml-course': HUB } });
  const run = await project.jhm('validate');
  expect({ code: run.code, problems: run.stderr.split('\n').filter((l) => /^(error|warning):/.test(l)) }).toEqual({ code: 0, problems: [] });
});

test('rule: jhm synth states the course cluster\'s SU figures from the flavor table: the control plane, the core node, 1 to 8 student nodes, 1 to 2 GPU nodes', async () => {
  const project = await makeProject({ hubs: { 'ml-course': HUB } });
  const run = await project.jhm('synth', 'ml-course');
  expect(run.code).toBe(0);
  const su = (flavor: string) => jetstream2Flavor(flavor)!.suPerHour;
  const least = 2 * su('m3.quad') + su('m3.medium') + su('g3.medium');
  const most = 2 * su('m3.quad') + 8 * su('m3.medium') + 2 * su('g3.medium');
  expect([least, most]).toEqual([32, 104]);
  expect(run.stderr).toContain(
    `ml-course: cost in Jetstream2 SUs: new cluster (control plane 1 x m3.quad, default-worker 1 x m3.quad, gpu 1-2 x g3.medium, students 1-8 x m3.medium): worst case ${most} SU/h at maximum scale, ${least} SU/h at minimum scale`,
  );
});

test('rule: the same course with CILogon logins (groups from the isMemberOf claim) is a valid hub with the same profiles', () => {
  const input = parse(HUB);
  input.jupyterhub.auth = {
    type: 'cilogon',
    clientId: 'cilogon:/client_id/not-a-real-client',
    identityProviders: [{ entityId: 'urn:mace:incommon:iu.edu', usernameClaim: 'eppn', stripDomain: 'iu.edu', allowedDomains: ['iu.edu'] }],
    groupsClaim: 'isMemberOf',
    allowedGroups: ['ml-course-students', 'ml-course-instructors'],
    adminGroups: ['ml-course-instructors'],
  };
  input.jupyterhub.profiles[0].groupResources[0].groups = ['ml-course-capstone'];
  input.jupyterhub.profiles[2].allowedGroups = ['ml-course-instructors'];
  const hub = defineHub('ml-course', input, {}, 'hubs/ml-course.yaml');
  expect(hub.jupyterhub.profiles.map((p) => [p.slug, p.allowedGroups, p.groupResources.map((g) => g.groups)])).toEqual([
    ['course-notebook', [], [['ml-course-capstone']]],
    ['choose-your-environment-and-resources', [], []],
    ['gpu-instructors', ['ml-course-instructors'], []],
  ]);
  expect([...gpuProfileErrors(hub), ...profileFitWarnings([hub])]).toEqual([]);
});

const withPython = hasPython ? charts.test : test.skip;
if (!hasPython) console.log('skipped: the course hub\'s profile rules Python is run with python3, which is not on PATH; install python3 to run it');

charts.describe('the course hub with the real charts', () => {
  let dist: Map<string, string>;
  let files: Parameters<typeof assertPreflight>[1];

  beforeAll(async () => {
    const project = await makeProject({ hubs: { 'ml-course': HUB } });
    const report = await project.synth({ force: true, helm: { chartsDir: charts.dir, cacheDir: path.join(project.root, '.cache') } });
    expect(report.results.map((r) => r.cluster.name)).toEqual(['ml-course']);
    files = report.results[0].files;
    dist = project.tree('dist/ml-course');
    expect((await checkManifestFolders(project.root)).map((c) => [c.cluster, c.secretsChecked, c.findings])).toEqual([['ml-course', true, []]]);
  }, 300_000);

  test('rule: the synthesized output has zero preflight findings (synth\'s check and jhm validate --manifests\'s)', () => {
    expect(problems(() => assertPreflight('ml-course', files))).toEqual([]);
  });

  /** The chart values the hub reads from dist/, the readable ConfigMap's values.yaml. */
  const readableValues = (): Record<string, any> => {
    for (const text of dist.values()) {
      for (const doc of parseAllDocuments(text)) {
        const o = doc.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> } | null;
        if (o?.kind === 'ConfigMap' && o.metadata?.name === HUB_VALUES_CONFIGMAP) return parse(o.data![VALUES_KEY]);
      }
    }
    throw new Error(`no ConfigMap ${HUB_VALUES_CONFIGMAP} in dist/ml-course`);
  };

  test('rule: dist/ holds the menus as KubeSpawner reads them, the custom image pattern, and the culler at one hour', () => {
    const values = readableValues();
    const [course, larger, gpu] = values.singleuser.profileList;
    expect(Object.keys(course.profile_options.image.choices)).toEqual(['1-python-scipy', '2-pytorch-cpu']);
    expect(course.profile_options.image.unlisted_choice).toMatchObject({ enabled: true, validation_regex: '^quay\\.io/jupyter/[a-z-]+-notebook:[0-9]{4}-[0-9]{2}-[0-9]{2}$', kubespawner_override: { image: '{value}' } });
    expect(Object.values(larger.profile_options.resources.choices).map((c: any) => c.kubespawner_override.mem_limit)).toEqual(['6G', '12G']);
    expect(gpu.kubespawner_override.extra_resource_limits).toEqual({ 'nvidia.com/gpu': '1' });
    expect(values.cull).toMatchObject({ enabled: true, timeout: 3600 });
  });

  withPython('rule: with the values dist/ holds, only instructors see the GPU profile and the capstone team gets 6G/8G on the course notebook', () => {
    const seen = profilesSeen(readableValues(), {
      student: ['ml-course-2026:students'],
      capstone: ['ml-course-2026:capstone'],
      instructor: ['ml-course-2026:instructors'],
    });
    const slugs = (user: string) => seen[user].map(([slug]) => slug);
    expect(slugs('student')).toEqual(['course-notebook', 'choose-your-environment-and-resources']);
    expect(slugs('instructor')).toEqual(['course-notebook', 'choose-your-environment-and-resources', 'gpu-instructors']);
    const memory = (user: string) => {
      const o = seen[user].find(([slug]) => slug === 'course-notebook')![1];
      return [o.mem_guarantee, o.mem_limit];
    };
    expect(memory('student')).toEqual(['2G', '4G']);
    expect(memory('capstone')).toEqual(['6G', '8G']);
  });
});
