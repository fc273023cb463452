/**
 * Test helper: runs the hub-side Python of chart values (`hub.extraConfig`) as z2jh 4.4.0 runs it,
 * with python3 and stand-ins of what it touches: the traitlets config `c` (sections made on
 * first use, `c.KubeSpawner.profile_list` set from `singleuser.profileList` as z2jh sets it before
 * the entries run), z2jh's `get_config` (a dotted key of the values) and a spawner whose `user` has a
 * `name` and `groups` with a `name` each, as JupyterHub's user object has. KubeSpawner itself
 * cannot be installed here (only npm and Debian packages are reachable), so what it does with the
 * list (the spawn page, refusing a slug it does not hold) is not run.
 */
import { spawnSync } from 'child_process';

/** True when python3 runs here; tests that need it skip with one line otherwise. */
export const hasPython = spawnSync('python3', ['--version']).status === 0;

/**
 * The start of a Python script that runs the values' hub-side code as the hub does: reads
 * `{"values": …}` from stdin and defines z2jh's `get_config` (a dotted path into the values, or
 * the default).
 */
export const HUB_CONFIG_PRELUDE: readonly string[] = [
  'import json, sys',
  'from types import SimpleNamespace',
  'data = json.loads(sys.stdin.read())',
  'values = data["values"]',
  'def get_config(key, default=None):',
  '    node = values',
  '    for part in key.split("."):',
  '        if not isinstance(node, dict) or part not in node: return default',
  '        node = node[part]',
  '    return node',
];

/** A profile as the callable returns it: its slug and its kubespawner_override. */
export type SeenProfile = [string, Record<string, unknown>];

/**
 * Per user (name → group names): the profiles the `profile_list` callable set by the values'
 * `hub.extraConfig` returns for that user. It is called twice per user, as KubeSpawner does (spawn
 * page, then the start), and fails when the two answers differ (a change to the shared list).
 */
export function profilesSeen(values: Record<string, unknown>, users: Record<string, string[]>): Record<string, SeenProfile[]> {
  const script = [
    ...HUB_CONFIG_PRELUDE,
    'class Config:',
    '    def __getattr__(self, name):',
    '        setattr(self, name, SimpleNamespace())',
    '        return getattr(self, name)',
    'c = Config()',
    'c.KubeSpawner.profile_list = values["singleuser"]["profileList"]',
    'for key, code in sorted(values["hub"]["extraConfig"].items()):',
    '    exec(code)',
    'seen = {}',
    'for name, groups in data["users"].items():',
    '    spawner = SimpleNamespace(user=SimpleNamespace(name=name, groups=[SimpleNamespace(name=g) for g in groups]))',
    '    first = c.KubeSpawner.profile_list(spawner)',
    '    assert first == c.KubeSpawner.profile_list(spawner), "the list changed between two calls"',
    '    seen[name] = [[p["slug"], p["kubespawner_override"]] for p in first]',
    'print(json.dumps(seen))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify({ values, users }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, SeenProfile[]>;
}
