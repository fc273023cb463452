/**
 * The spawn page's choices: `singleuser.profileList`, one entry per resolved hub profile, each
 * pinned to its nodegroup's nodes through the node selector the shared model computed
 * (`profile.nodeGroup.nodeSelector`, i.e. `capi.stackhpc.com/node-group: <nodegroup>`).
 */
import type { Profile, Resources } from '../../model/hub';
import { PROFILE_RULES_CUSTOM_KEY, PROFILE_RULES_EXTRA_CONFIG_KEY } from '../../model/chart-values';

/** The extended resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** A Kubernetes toleration. */
export type Toleration = {
  readonly key: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
};

/** Tolerates the taint GPU nodes conventionally carry (`nvidia.com/gpu:NoSchedule`). */
export function gpuToleration(): Toleration {
  return { key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' };
}

/** KubeSpawner traits a profile overrides (a pass-through of KubeSpawner 7 trait names). */
export type KubespawnerOverride = {
  readonly node_selector: Record<string, string>;
  readonly image?: string;
  readonly cpu_guarantee?: number;
  readonly cpu_limit?: number;
  readonly mem_guarantee?: string;
  readonly mem_limit?: string;
  readonly extra_resource_limits?: Record<string, string>;
  readonly tolerations?: Toleration[];
};

/** A choice of a menu (KubeSpawner's `profile_options.<option>.choices.<slug>`). */
export type ChoiceValues = {
  readonly display_name: string;
  readonly default?: true;
  readonly kubespawner_override: Partial<KubespawnerOverride>;
};

/** A menu of a profile (KubeSpawner's `profile_options.<option>`). */
export type OptionValues = {
  readonly display_name: string;
  readonly choices: Record<string, ChoiceValues>;
  readonly unlisted_choice?: {
    readonly enabled: true;
    readonly display_name: string;
    readonly display_name_in_choices: string;
    readonly validation_regex: string;
    readonly validation_message?: string;
    readonly kubespawner_override: { readonly image: '{value}' };
  };
};

/** One entry of `singleuser.profileList`. */
export type ProfileValues = {
  readonly display_name: string;
  readonly slug: string;
  readonly description?: string;
  readonly default?: true;
  readonly kubespawner_override: KubespawnerOverride;
  readonly profile_options?: Record<string, OptionValues>;
};

/** KubeSpawner's resource traits of `r`, only those set. */
function resourceOverride(r: Resources): Partial<KubespawnerOverride> {
  return {
    ...(r.cpuGuarantee !== undefined ? { cpu_guarantee: r.cpuGuarantee } : {}),
    ...(r.cpuLimit !== undefined ? { cpu_limit: r.cpuLimit } : {}),
    ...(r.memoryGuarantee !== undefined ? { mem_guarantee: r.memoryGuarantee } : {}),
    ...(r.memoryLimit !== undefined ? { mem_limit: r.memoryLimit } : {}),
  };
}

/**
 * The key of a menu's choice: its position in the hub file, then its slug (`1-small`, `2-large`;
 * zero-padded from ten choices on). KubeSpawner shows the choices in the order of this mapping,
 * but the hub reads the values as Helm wrote them (`toYaml`), with the keys of every mapping
 * sorted: the position keeps the hub file's order.
 */
export function choiceKey(index: number, count: number, slug: string): string {
  return `${String(index + 1).padStart(String(count).length, '0')}-${slug}`;
}

/** A menu's choices by {@link choiceKey}, `default: true` on the resolved default. */
function choicesValues<C extends { slug: string; displayName: string; default: boolean }>(choices: readonly C[], override: (c: C) => Partial<KubespawnerOverride>): Record<string, ChoiceValues> {
  return Object.fromEntries(choices.map((c, i) => [choiceKey(i, choices.length, c.slug), { display_name: c.displayName, ...(c.default ? { default: true as const } : {}), kubespawner_override: override(c) }]));
}

/**
 * KubeSpawner 7's `profile_options` of `profile` (absent without menus): `image` (each choice
 * sets `image`; the custom image is `unlisted_choice`, its typed value checked against
 * `validation_regex` by KubeSpawner, then put in `image` through `{value}`) and `resources`
 * (each choice sets the CPU and memory traits it names). KubeSpawner applies a choice's override
 * after the profile's, so a choice decides what it sets.
 */
export function profileOptionsValues(profile: Profile): Record<string, OptionValues> | undefined {
  const { image, resources } = profile.options;
  if (image === undefined && resources === undefined) return undefined;
  const options: Record<string, OptionValues> = {};
  if (image !== undefined) {
    const custom = image.custom;
    options.image = {
      display_name: image.displayName,
      choices: choicesValues(image.choices, (c) => ({ image: c.image })),
      ...(custom !== undefined
        ? {
            unlisted_choice: {
              enabled: true as const,
              display_name: custom.displayName,
              display_name_in_choices: custom.displayName,
              validation_regex: custom.pattern,
              ...(custom.patternHelp !== undefined ? { validation_message: custom.patternHelp } : {}),
              kubespawner_override: { image: '{value}' as const },
            },
          }
        : {}),
    };
  }
  if (resources !== undefined) options.resources = { display_name: resources.displayName, choices: choicesValues(resources.choices, resourceOverride) };
  return options;
}

/**
 * The profile list entry of `profile`:
 * - `node_selector`: the nodegroup's selector. KubeSpawner merges dict overrides into the
 *   current value, so it adds to (never drops) a `singleuser.nodeSelector`.
 * - resources and image only when the profile sets them (else the `singleuser` defaults apply);
 * - `gpus: N` adds the limit `nvidia.com/gpu: "N"` and the `nvidia.com/gpu` toleration. A list
 *   override replaces KubeSpawner's tolerations; the chart's defaults it replaces only matter on
 *   nodes tainted `hub.jupyter.org/dedicated=user`, which Magnum never sets.
 * - `default: true` on the profile the model marks default (exactly one when there are several).
 */
export function profileValues(profile: Profile): ProfileValues {
  const override: Record<string, unknown> = { node_selector: { ...profile.nodeGroup.nodeSelector } };
  if (profile.image !== undefined) override.image = profile.image;
  Object.assign(override, resourceOverride(profile));
  if (profile.gpus > 0) {
    override.extra_resource_limits = { [GPU_RESOURCE]: String(profile.gpus) };
    override.tolerations = [gpuToleration()];
  }
  const options = profileOptionsValues(profile);
  return {
    display_name: profile.displayName,
    slug: profile.slug,
    ...(profile.description ? { description: profile.description } : {}),
    ...(profile.default ? { default: true as const } : {}),
    kubespawner_override: override as KubespawnerOverride,
    ...(options !== undefined ? { profile_options: options } : {}),
  };
}

/** `singleuser.profileList` of the hub's `profiles` (`hub.jupyterhub.profiles`), in hub-file order (empty: no profile page). */
export function profileListValues(profiles: readonly Profile[]): ProfileValues[] {
  return profiles.map(profileValues);
}

/** True when some profile asks for GPUs. */
export function hasGpuProfile(profiles: readonly Profile[]): boolean {
  return profiles.some((p) => p.gpus > 0);
}

/** The rules of one profile that KubeSpawner 7 cannot express, as `custom.jhmProfiles.<slug>` holds them. */
export type ProfileRuleValues = {
  readonly allowedGroups?: readonly string[];
  readonly allowedUsers?: readonly string[];
  readonly groupOverrides?: ReadonlyArray<{ readonly groups: readonly string[]; readonly kubespawner_override: Partial<KubespawnerOverride> }>;
};

/**
 * The hub-side Python (a `hub.extraConfig` entry) that applies `custom.jhmProfiles`. KubeSpawner
 * 7.0 (the z2jh 4.4.0 hub image) has no group filter nor group overrides for profiles, but takes
 * a callable as `profile_list`: it is called with the spawner both to render the spawn page and
 * to load the chosen profile, so a profile left out can neither be seen nor started (its slug is
 * refused: "No such profile"). z2jh runs this after it has set `c.KubeSpawner.profile_list` from
 * `singleuser.profileList`; `get_config` is z2jh's reader of the chart values.
 */
export const PROFILE_RULES_PYTHON = `# jhm: profiles limited to groups or users, and other resources for members of groups.
# The rules are the chart values' custom.${PROFILE_RULES_CUSTOM_KEY}, by profile slug (from the hub
# file's jupyterhub.profiles[].allowedGroups, allowedUsers and groupResources).
import copy

jhm_profile_list = c.KubeSpawner.profile_list
jhm_profile_rules = get_config("custom.${PROFILE_RULES_CUSTOM_KEY}", {})


def jhm_profiles_for(spawner):
    """The profiles the spawner's user may see, with the resources of the user's group."""
    user = spawner.user
    groups = {group.name for group in user.groups}
    shown = []
    for profile in copy.deepcopy(jhm_profile_list):
        rule = jhm_profile_rules.get(profile["slug"], {})
        allowed_groups = set(rule.get("allowedGroups", []))
        allowed_users = set(rule.get("allowedUsers", []))
        if (allowed_groups or allowed_users) and not (groups & allowed_groups or user.name in allowed_users):
            continue
        for entry in rule.get("groupOverrides", []):
            if groups & set(entry["groups"]):
                profile["kubespawner_override"].update(entry["kubespawner_override"])
                break
        shown.append(profile)
    return shown


c.KubeSpawner.profile_list = jhm_profiles_for
`;

/**
 * What profiles limited to groups or users (`allowedGroups`, `allowedUsers`) and group resources
 * (`groupResources`) add to the chart values: the rules by slug (`custom`, for the Python) and
 * the Python ({@link PROFILE_RULES_PYTHON}); undefined when no profile has such rules, so a hub
 * without them renders as before.
 */
export function profileRulesValues(profiles: readonly Profile[]): { custom: Record<string, Record<string, ProfileRuleValues>>; extraConfig: Record<string, string> } | undefined {
  const rules: Record<string, ProfileRuleValues> = {};
  for (const p of profiles) {
    const rule: ProfileRuleValues = {
      ...(p.allowedGroups.length > 0 ? { allowedGroups: [...p.allowedGroups] } : {}),
      ...(p.allowedUsers.length > 0 ? { allowedUsers: [...p.allowedUsers] } : {}),
      ...(p.groupResources.length > 0 ? { groupOverrides: p.groupResources.map((g) => ({ groups: [...g.groups], kubespawner_override: resourceOverride(g) })) } : {}),
    };
    if (Object.keys(rule).length > 0) rules[p.slug] = rule;
  }
  if (Object.keys(rules).length === 0) return undefined;
  return { custom: { [PROFILE_RULES_CUSTOM_KEY]: rules }, extraConfig: { [PROFILE_RULES_EXTRA_CONFIG_KEY]: PROFILE_RULES_PYTHON } };
}
