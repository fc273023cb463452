/**
 * The course folder and the exchange of a shared hub (issue 22, item 2): `shared/` and `exchange/`
 * are folders of the `homes` claim mounted in every user server (z2jh's
 * `singleuser.storage.extraVolumeMounts`), the course folder read-only, and read-write for the
 * hub's admins and the `courseFolderWriters` groups through the hub-side Python
 * (`hub.extraConfig` `jhm-course-folder`), run here with python3 as z2jh 4.4.0 runs it: after z2jh
 * has set `c.KubeSpawner.volume_mounts` to its mapping. KubeSpawner itself cannot be installed
 * here, so what it makes of the mapping (the pod's volume mounts) is not run.
 */
import { spawnSync } from 'child_process';
import { homeNfsValues } from '../../k8s/jupyterhub/home-nfs';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { loadHubFile } from '../../project/load';
import { at, EXAMPLE_HUB_FILE, exampleWith, FAKE_SECRETS, z2jhSchema, z2jhSchemaErrors } from '../jupyterhub/support';
import { HUB_CONFIG_PRELUDE, hasPython } from '../support/profile-rules';
import { errorLines } from '../config/cluster-fixtures';

const SHARED = { type: 'shared', size: '500Gi', quota: '10Gi' };
const withStorage = (storage: Record<string, unknown>) => exampleWith((h) => (h.jupyterhub.storage = storage));
const valuesOf = (storage: Record<string, unknown>) => jupyterhubValues(withStorage(storage), FAKE_SECRETS);

type Mount = { name: string; mountPath: string; subPath: string; readOnly?: boolean };
type User = { name: string; admin: boolean; groups: string[] };

/**
 * Per user, the volume mounts the values' hub-side Python leaves on the spawner (z2jh's mapping,
 * by key) after JupyterHub has called `pre_spawn_hook` for each start in `starts` (the same
 * spawner each time, as JupyterHub keeps one per user server).
 */
function mountsAtStart(values: Record<string, unknown>, starts: User[]): Record<string, Mount>[] {
  const script = [
    ...HUB_CONFIG_PRELUDE,
    // traitlets' Config: a dict whose sections appear on first use, their options as attributes.
    'class Section(dict):',
    '    def __getattr__(self, name): return self[name]',
    '    def __setattr__(self, name, value): self[name] = value',
    'class Config(dict):',
    '    def __getattr__(self, name): return self.setdefault(name, Section())',
    'c = Config()',
    // z2jh 4.4.0 with static storage: its own "home" mount, then extraVolumeMounts (a mapping) merged in.
    'storage = values["singleuser"]["storage"]',
    'mounts = {"home": {"mountPath": "/home/jovyan", "name": "home", "subPath": storage["static"]["subPath"]}}',
    'mounts.update(storage.get("extraVolumeMounts", {}))',
    'c.KubeSpawner.volume_mounts = mounts',
    'for key, code in sorted(values["hub"].get("extraConfig", {}).items()):',
    '    exec(code)',
    'hook = c.KubeSpawner.get("pre_spawn_hook")',
    'spawner = SimpleNamespace(volume_mounts=c.KubeSpawner.volume_mounts)',
    'seen = []',
    'for u in data["starts"]:',
    '    spawner.user = SimpleNamespace(name=u["name"], admin=u["admin"], groups=[SimpleNamespace(name=g) for g in u["groups"]])',
    '    if hook is not None: hook(spawner)',
    '    seen.append(spawner.volume_mounts)',
    'print(json.dumps(seen))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify({ values, starts }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, Mount>[];
}

const student: User = { name: 'ada', admin: false, groups: ['course'] };
const admin: User = { name: 'grace', admin: true, groups: [] };
const ta: User = { name: 'alan', admin: false, groups: ['course', 'org:tas'] };

describe('the course folder and the exchange', () => {
  test('rule: without courseFolder and exchange a shared hub mounts only the users\' folders, with no hook and no custom rules', () => {
    const v = valuesOf({ ...SHARED });
    expect(at(v, ['singleuser', 'storage'])).toEqual({ type: 'static', static: { pvcName: 'homes', subPath: '{escaped_username}' } });
    expect(at(v, ['hub', 'extraConfig', 'jhm-course-folder'])).toBeUndefined();
    expect(at(v, ['custom'])).toBeUndefined();
  });

  test('rule: the course folder is the folder _shared of the homes claim at ~/shared, read-only in the values; the exchange _exchange at ~/exchange, read-write', () => {
    const v = valuesOf({ ...SHARED, courseFolder: true, exchange: true });
    expect(at(v, ['singleuser', 'storage', 'extraVolumeMounts'])).toEqual({
      'jhm-course-folder': { name: 'home', mountPath: '/home/jovyan/shared', subPath: '_shared', readOnly: true },
      'jhm-exchange': { name: 'home', mountPath: '/home/jovyan/exchange', subPath: '_exchange' },
    });
  });

  z2jhSchema.test('rule: the course folder\'s and the exchange\'s mounts and hook are accepted by the z2jh 4.4.0 values schema', () => {
    expect(z2jhSchemaErrors(valuesOf({ ...SHARED, courseFolder: true, exchange: true }))).toEqual([]);
  });

  test('rule: the exchange alone adds its mount and no course-folder hook', () => {
    const v = valuesOf({ ...SHARED, exchange: true });
    expect(Object.keys(at(v, ['singleuser', 'storage', 'extraVolumeMounts']) as object)).toEqual(['jhm-exchange']);
    expect(at(v, ['hub', 'extraConfig', 'jhm-course-folder'])).toBeUndefined();
  });

  (hasPython ? test : test.skip)('rule: at each start the course folder is read-write for admins and writer groups, read-only for other users, and the exchange stays read-write for all', () => {
    const v = valuesOf({ ...SHARED, courseFolder: true, courseFolderWriters: ['org:tas'], exchange: true });
    const [s, a, t] = mountsAtStart(v, [student, admin, ta]);
    expect(s['jhm-course-folder']).toEqual({ name: 'home', mountPath: '/home/jovyan/shared', subPath: '_shared', readOnly: true });
    expect(a['jhm-course-folder'].readOnly).toBe(false);
    expect(t['jhm-course-folder'].readOnly).toBe(false);
    for (const m of [s, a, t]) {
      expect(m['jhm-exchange']).toEqual({ name: 'home', mountPath: '/home/jovyan/exchange', subPath: '_exchange' });
      expect(m.home).toEqual({ mountPath: '/home/jovyan', name: 'home', subPath: '{escaped_username}' });
    }
  });

  (hasPython ? test : test.skip)('rule: the mode follows the user of each start both ways (an admin who is no longer one gets the folder read-only again)', () => {
    const v = valuesOf({ ...SHARED, courseFolder: true });
    const starts = mountsAtStart(v, [admin, { ...admin, admin: false }, ta]);
    expect(starts.map((m) => m['jhm-course-folder'].readOnly)).toEqual([false, true, true]);
  });

  (hasPython ? test : test.skip)('rule: a pre_spawn_hook set by an earlier hub.extraConfig entry still runs', () => {
    const v = valuesOf({ ...SHARED, courseFolder: true }) as any;
    v.hub.extraConfig['a-earlier'] = 'def earlier(spawner):\n    spawner.volume_mounts = dict(spawner.volume_mounts, earlier={"name": "x", "mountPath": "/x", "subPath": "x"})\nc.KubeSpawner.pre_spawn_hook = earlier\n';
    const [s] = mountsAtStart(v, [student]);
    expect(Object.keys(s).sort()).toEqual(['earlier', 'home', 'jhm-course-folder']);
  });

  test('rule: the course folder and the exchange get no user quota (the quota enforcer excludes their folder names)', () => {
    const hub = withStorage({ ...SHARED, courseFolder: true, exchange: true });
    const cluster = { coreNodeSelector: {} } as any;
    const qm = (s: any) => (homeNfsValues(s, '00000000-0000-4000-8000-00000000beef', cluster) as any).quotaEnforcer.config.QuotaManager;
    expect(qm(hub.jupyterhub.storage)).toEqual({ hard_quota: 10, exclude: ['_shared', '_exchange'] });
    expect(qm(withStorage({ ...SHARED }).jupyterhub.storage)).toEqual({ hard_quota: 10 });
  });

  test('rule: courseFolderWriters without courseFolder is refused in one line naming the field and the fix', () => {
    expect(errorLines(() => withStorage({ ...SHARED, courseFolderWriters: ['org:tas'] }))).toEqual([
      'hubs/example.yaml (test variant): jupyterhub.storage.courseFolderWriters: names writers of a course folder the hub does not have; set courseFolder: true or leave courseFolderWriters out',
    ]);
  });

  test('rule: with GitHub teams as groups, a writer group must be a team as org:team in lower case (one line naming the field and what to write); without, any name is accepted', () => {
    const withTeams = (writers: string[]) => () =>
      exampleWith((h) => {
        h.jupyterhub.auth.teamGroups = true;
        h.jupyterhub.storage = { ...SHARED, courseFolder: true, courseFolderWriters: writers };
      });
    expect(errorLines(withTeams(['My-Course:TAs', 'my-course:tas']))).toEqual([
      'hubs/example.yaml (test variant): jupyterhub.storage.courseFolderWriters[0]: "My-Course:TAs" is never a user\'s group: with GitHub teams as groups, each user\'s groups are their teams as "org:team" in lower case; write my-course:tas',
    ]);
    expect(errorLines(() => withStorage({ ...SHARED, courseFolder: true, courseFolderWriters: ['TAs'] }))).toEqual([]);
  });

  test('rule: the example hub (per-user storage) has no course-folder values', () => {
    const v = jupyterhubValues(loadHubFile(EXAMPLE_HUB_FILE, 'hubs/example.yaml'), FAKE_SECRETS);
    expect(at(v, ['hub', 'extraConfig', 'jhm-course-folder'])).toBeUndefined();
    expect(at(v, ['singleuser', 'storage', 'extraVolumeMounts'])).toBeUndefined();
  });
});
