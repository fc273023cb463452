/**
 * Choices inside a profile and profiles by group (issue 21, items 3 and 4): the hub file's
 * `profiles[].options` render KubeSpawner 7.0's `profile_options` (the z2jh 4.4.0 hub image,
 * `HUB_IMAGE`); `allowedGroups`, `allowedUsers` and `groupResources` render rules under the
 * chart's `custom` and the hub-side Python that applies them (KubeSpawner 7.0 has no group
 * filter nor group overrides). The Python is run with python3 against stand-ins of the spawner
 * and of z2jh's config reader (`test/support/profile-rules.ts`: KubeSpawner cannot be installed
 * here); skipped with one line where there is no python3.
 */
import { spawnSync } from 'child_process';
import { HUB_IMAGE } from '../../k8s/jupyterhub/auth';
import { choiceKey, PROFILE_RULES_PYTHON, ProfileValues } from '../../k8s/jupyterhub/profiles';
import { jupyterhubValues } from '../../k8s/jupyterhub/values';
import { PROFILE_RULES_CUSTOM_KEY, PROFILE_RULES_EXTRA_CONFIG_KEY } from '../../model/chart-values';
import { formatDiagnostic } from '../../model/diagnostics';
import { defineHub } from '../../model/hub';
import { profileFitWarnings } from '../../model/profile-fit';
import { at, exampleInput, exampleWith, FAKE_SECRETS, z2jhSchema, z2jhSchemaErrors } from './support';
import { hasPython, profilesSeen, SeenProfile } from '../support/profile-rules';
import { userErrorLines } from '../support/user-error';

const withPython = hasPython ? test : test.skip;
if (!hasPython) console.log('skipped: the profile rules Python of hub.extraConfig and the custom image pattern are run with python3, which is not on PATH; install python3 to run it');

const profileList = (v: Record<string, unknown>) => at(v, ['singleuser', 'profileList']) as ProfileValues[];

/** A profile of the example hub (nodegroup mediums: m3.medium) with an image menu, a custom image and a size menu. */
const MENU_PROFILE = {
  displayName: 'Choose your environment and resources',
  nodeGroup: 'mediums',
  options: {
    image: {
      displayName: 'Environment',
      choices: [
        { displayName: 'Python (scipy)', image: 'quay.io/jupyter/scipy-notebook:2025-10-20' },
        { displayName: 'R', image: 'quay.io/jupyter/r-notebook:2025-10-20', default: true },
      ],
      custom: { displayName: 'Your own image', pattern: '^quay\\.io/jupyter/[a-z-]+:[A-Za-z0-9._-]+$', patternHelp: 'an image of quay.io/jupyter with its tag' },
    },
    resources: {
      choices: [
        { displayName: 'Small', cpuGuarantee: 0.5, cpuLimit: 1, memoryGuarantee: '1G', memoryLimit: '2G' },
        { displayName: 'Large', slug: 'big', cpuGuarantee: 1, cpuLimit: 2, memoryGuarantee: '4G', memoryLimit: '6G' },
      ],
    },
  },
};

/** The example hub with `profiles` added after its two profiles. */
const hubWithProfiles = (...profiles: object[]) => exampleWith((i) => i.jupyterhub.profiles.push(...profiles));

describe('choices inside a profile (KubeSpawner profile_options)', () => {
  const values = jupyterhubValues(hubWithProfiles(MENU_PROFILE), FAKE_SECRETS);
  const entry = profileList(values)[2];

  test(`rule: image and size menus and a custom image render the profile_options of KubeSpawner ${HUB_IMAGE.kubespawner}, each choice with its display name, one default and its override`, () => {
    expect(entry.profile_options).toEqual({
      image: {
        display_name: 'Environment',
        choices: {
          '1-python-scipy': { display_name: 'Python (scipy)', kubespawner_override: { image: 'quay.io/jupyter/scipy-notebook:2025-10-20' } },
          '2-r': { display_name: 'R', default: true, kubespawner_override: { image: 'quay.io/jupyter/r-notebook:2025-10-20' } },
        },
        unlisted_choice: {
          enabled: true,
          display_name: 'Your own image',
          display_name_in_choices: 'Your own image',
          validation_regex: '^quay\\.io/jupyter/[a-z-]+:[A-Za-z0-9._-]+$',
          validation_message: 'an image of quay.io/jupyter with its tag',
          kubespawner_override: { image: '{value}' },
        },
      },
      resources: {
        display_name: 'Resources',
        choices: {
          '1-small': { display_name: 'Small', default: true, kubespawner_override: { cpu_guarantee: 0.5, cpu_limit: 1, mem_guarantee: '1G', mem_limit: '2G' } },
          '2-big': { display_name: 'Large', kubespawner_override: { cpu_guarantee: 1, cpu_limit: 2, mem_guarantee: '4G', mem_limit: '6G' } },
        },
      },
    });
    // The profile itself keeps its placement; the menus decide image and resources.
    expect(entry.kubespawner_override).toEqual({ node_selector: { 'capi.stackhpc.com/node-group': 'mediums' } });
  });

  test('rule: with no choice marked default, the first choice is the default, as KubeSpawner preselects it', () => {
    expect(Object.entries(entry.profile_options!.resources.choices).filter(([, c]) => c.default).map(([key]) => key)).toEqual(['1-small']);
  });

  test('rule: a choice\'s key starts with its position, so the menu keeps the hub file\'s order after Helm sorts the keys (zero-padded from ten choices on)', () => {
    const sorted = (keys: string[]) => [...keys].sort();
    const keys = Object.keys(entry.profile_options!.resources.choices);
    expect(sorted(keys)).toEqual(keys);
    expect(choiceKey(0, 12, 'small')).toBe('01-small');
    const twelve = Array.from({ length: 12 }, (_, i) => choiceKey(i, 12, i % 2 ? 'a' : 'z'));
    expect(sorted(twelve)).toEqual(twelve);
  });

  withPython('rule: KubeSpawner checks a typed image with Python\'s re.match against the pattern: an image of the pattern passes, another registry does not', () => {
    const pattern = entry.profile_options!.image.unlisted_choice!.validation_regex;
    const matches = (image: string) => spawnSync('python3', ['-c', 'import re, sys; print(bool(re.match(sys.argv[1], sys.argv[2])))', pattern, image], { encoding: 'utf8' }).stdout.trim();
    expect(matches('quay.io/jupyter/julia-notebook:2025-10-20')).toBe('True');
    expect(matches('docker.io/someone/miner:1')).toBe('False');
  });

  z2jhSchema.test('rule: the menus are accepted by the z2jh 4.4.0 values schema', () => {
    expect(z2jhSchemaErrors(values)).toEqual([]);
  });

  test('rule: a hub without menus or group rules renders as before: no profile_options, no custom, no extra Python', () => {
    const plain = jupyterhubValues(exampleWith(() => undefined), FAKE_SECRETS);
    expect(profileList(plain).some((p) => 'profile_options' in p)).toBe(false);
    expect(at(plain, ['custom'])).toBeUndefined();
    expect(at(plain, ['hub', 'extraConfig'])).toBeUndefined();
    expect(at(values, ['custom'])).toBeUndefined();
  });
});

/** The formatted errors `defineHub` throws for the example hub with `profile` added. */
function errorsWith(profile: object): string[] {
  const input = exampleInput();
  input.jupyterhub.profiles.push(profile);
  return userErrorLines(() => defineHub('example', input, {}, 'hubs/example.yaml'));
}

describe('menus and group rules in the hub file: each error is one line naming the file, the field and the fix', () => {
  test('rule: a profile image beside an image menu is refused', () => {
    expect(errorsWith({ ...MENU_PROFILE, image: 'quay.io/jupyter/base-notebook:2025-10-20' })).toEqual([
      'hubs/example.yaml: jupyterhub.profiles[2].image: is set beside options.image, whose choice would replace it; remove one of them',
    ]);
  });

  test('rule: a resource the size menu sets is refused on the profile', () => {
    expect(errorsWith({ ...MENU_PROFILE, memoryLimit: '8G' })).toEqual([
      'hubs/example.yaml: jupyterhub.profiles[2].memoryLimit: is set beside options.resources, whose chosen size sets memoryLimit too and would replace it; set it in each choice instead',
    ]);
  });

  test('rule: two default choices, and a custom pattern that is not an anchored regular expression', () => {
    const twoDefaults = structuredClone(MENU_PROFILE) as any;
    twoDefaults.options.resources.choices.forEach((c: any) => (c.default = true));
    twoDefaults.options.image.custom.pattern = 'quay.io/(';
    expect(errorsWith(twoDefaults)).toEqual([
      expect.stringMatching(/^hubs\/example\.yaml: jupyterhub\.profiles\[2\]\.options\.image\.custom\.pattern: must be a regular expression starting with \^ .*, e\.g\. /),
      'hubs/example.yaml: jupyterhub.profiles[2].options.resources.choices: has more than one choice with default: true; mark at most one (none: the first is preselected)',
    ]);
  });

  test('rule: group resources beside a size menu are refused (the chosen size would replace them)', () => {
    expect(errorsWith({ ...MENU_PROFILE, groupResources: [{ groups: ['class-x'], memoryGuarantee: '8G' }] })).toEqual([
      expect.stringMatching(/^hubs\/example\.yaml: jupyterhub\.profiles\[2\]\.groupResources: is set beside options\.resources: .*; offer the larger size as a choice, or use a profile limited to the group \(allowedGroups\)$/),
    ]);
  });

  test('rule: two choices with the same slug are refused', () => {
    const same = structuredClone(MENU_PROFILE) as any;
    same.options.image.choices[1].displayName = 'Python  (scipy)';
    expect(errorsWith(same)).toEqual([
      'hubs/example.yaml: jupyterhub.profiles[2].options.image.choices[1]: has the same slug "python-scipy" as choices[0]; give one of them another displayName or an explicit slug',
    ]);
  });
});

describe('rule: the fit warning judges every size of a menu and every group\'s resources, the largest included', () => {
  test('the Large size of an m3.medium profile (30 GB) that guarantees 40G is named by its choice field', () => {
    const large = structuredClone(MENU_PROFILE) as any;
    large.options.resources.choices[1].memoryGuarantee = '40G';
    const hub = hubWithProfiles(large);
    expect(profileFitWarnings([hub]).map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /^hubs\/example\.yaml \(test variant\): jupyterhub\.profiles\[2\]\.options\.resources\.choices\[1\]\.memoryGuarantee: profile "Choose your environment and resources" \(size "Large"\) guarantees 40G of memory to each server, more than a node of nodegroup mediums \(m3\.medium: 8 vCPUs, 30 GB\) can give one: .*\(lower it to at most .*G, or put the profile on a nodegroup of a larger flavor such as m3\.large\)$/,
      ),
    ]);
    // The sizes that fit give no warning.
    expect(profileFitWarnings([hubWithProfiles(MENU_PROFILE)])).toEqual([]);
  });

  test('a group\'s resources that do not fit are named by their groupResources field', () => {
    const hub = hubWithProfiles({ displayName: 'Standard', nodeGroup: 'mediums', memoryGuarantee: '2G', groupResources: [{ groups: ['class-x'], memoryGuarantee: '40G' }] });
    expect(profileFitWarnings([hub]).map((w) => [w.field, w.message])).toEqual([
      ['jupyterhub.profiles[2].groupResources[0].memoryGuarantee', expect.stringMatching(/^profile "Standard" \(for group class-x\) guarantees 40G of memory to each server, more than a node of nodegroup mediums /)],
    ]);
  });
});


describe('profiles and resources by group (hub-side Python on KubeSpawner\'s callable profile_list)', () => {
  const hub = hubWithProfiles(
    { displayName: 'GPU', nodeGroup: 'mediums', allowedGroups: ['my-course:instructors'], allowedUsers: ['ta-alice'] },
    { displayName: 'Class X', nodeGroup: 'mediums', memoryGuarantee: '2G', memoryLimit: '4G', groupResources: [{ groups: ['class-x'], memoryGuarantee: '6G', memoryLimit: '8G' }, { groups: ['class-x', 'class-y'], memoryLimit: '5G' }] },
  );
  const values = jupyterhubValues(hub, FAKE_SECRETS);
  const mediums = { 'capi.stackhpc.com/node-group': 'mediums' };

  test('rule: the rules are readable chart values by profile slug, beside the Python that applies them', () => {
    expect(at(values, ['custom', PROFILE_RULES_CUSTOM_KEY])).toEqual({
      gpu: { allowedGroups: ['my-course:instructors'], allowedUsers: ['ta-alice'] },
      'class-x': {
        groupOverrides: [
          { groups: ['class-x'], kubespawner_override: { mem_guarantee: '6G', mem_limit: '8G' } },
          { groups: ['class-x', 'class-y'], kubespawner_override: { mem_limit: '5G' } },
        ],
      },
    });
    expect(at(values, ['hub', 'extraConfig', PROFILE_RULES_EXTRA_CONFIG_KEY])).toBe(PROFILE_RULES_PYTHON);
  });

  z2jhSchema.test('rule: the rules and the Python are accepted by the z2jh 4.4.0 values schema', () => {
    expect(z2jhSchemaErrors(values)).toEqual([]);
  });

  withPython('rule: a profile limited to groups or users is shown only to members of those groups and to those users', () => {
    const seen = profilesSeen(values, { 'ta-alice': [], instructor: ['my-course:instructors'], student: ['my-course:students'] });
    const slugs = Object.fromEntries(Object.entries(seen).map(([u, ps]) => [u, ps.map(([s]) => s)]));
    expect(slugs).toEqual({
      'ta-alice': ['low-power-default-worker', 'low-power-mediums', 'gpu', 'class-x'],
      instructor: ['low-power-default-worker', 'low-power-mediums', 'gpu', 'class-x'],
      student: ['low-power-default-worker', 'low-power-mediums', 'class-x'],
    });
  });

  withPython('rule: a group gets its resources on the same profile; the first entry naming one of the user\'s groups applies; others keep the profile\'s', () => {
    const classX = (ps: SeenProfile[]) => ps.find(([s]) => s === 'class-x')![1];
    const seen = profilesSeen(values, { x: ['class-x', 'class-y'], y: ['class-y'], other: [] });
    expect(classX(seen.x)).toEqual({ node_selector: mediums, mem_guarantee: '6G', mem_limit: '8G' });
    expect(classX(seen.y)).toEqual({ node_selector: mediums, mem_guarantee: '2G', mem_limit: '5G' });
    expect(classX(seen.other)).toEqual({ node_selector: mediums, mem_guarantee: '2G', mem_limit: '4G' });
  });
});

describe('rule: jupyterhub.values cannot set what the profiles write (the rules, their Python), naming jupyterhub.profiles', () => {
  test.each([
    ['custom.jhmProfiles', { custom: { [PROFILE_RULES_CUSTOM_KEY]: { gpu: { allowedGroups: [] } } } }],
    ['hub.extraConfig.jhm-profile-rules', { hub: { extraConfig: { [PROFILE_RULES_EXTRA_CONFIG_KEY]: 'c.KubeSpawner.profile_list = []' } } }],
  ])('%s', (path, values) => {
    const input = exampleInput();
    input.jupyterhub.values = values;
    const errors = userErrorLines(() => defineHub('example', input, {}, 'hubs/example.yaml'));
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^hubs/example\\.yaml: jupyterhub\\.values\\.${path.replace(/\./g, '\\.')}[^ ]*: ${path.replace(/\./g, '\\.')} is set by jupyterhub\\.profiles: use that field \\(`))]);
  });
});

describe('rule: with GitHub teams as groups, a profile\'s groups are teams as "org:team" in lower case (else no user is ever in them)', () => {
  const withTeams = (profile: object, teams: boolean): string[] => {
    const input = exampleInput();
    if (teams) input.jupyterhub.auth.teamGroups = true;
    input.jupyterhub.profiles.push(profile);
    return userErrorLines(() => defineHub('example', input, {}, 'hubs/example.yaml'));
  };
  const profile = { displayName: 'Staff', nodeGroup: 'mediums', allowedGroups: ['instructors', 'My-Course:TAs'], groupResources: [{ groups: ['my-course:class-x'], memoryLimit: '8G' }] };

  test('refused, one line per group, naming the field and what to write', () => {
    expect(withTeams(profile, true)).toEqual([
      'hubs/example.yaml: jupyterhub.profiles[2].allowedGroups[0]: "instructors" is never a user\'s group: with GitHub teams as groups, each user\'s groups are their teams as "org:team" in lower case; write the team as org:team, e.g. my-course:instructors',
      'hubs/example.yaml: jupyterhub.profiles[2].allowedGroups[1]: "My-Course:TAs" is never a user\'s group: with GitHub teams as groups, each user\'s groups are their teams as "org:team" in lower case; write my-course:tas',
    ]);
  });

  test('without teams as groups, groups are the admins\' to fill (JupyterHub\'s admin page), so any name is accepted', () => {
    expect(withTeams(profile, false)).toEqual([]);
  });
});
