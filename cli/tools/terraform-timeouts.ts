/**
 * How long `jhm deploy` and `jhm destroy` let Terraform run, derived from the stack itself: a
 * resource's `timeouts` block (the cluster's `timeouts.create` and `timeouts.update`, from
 * the cluster's timeout fields in the Magnum table, `model/magnum-fields.ts`) is how long Terraform waits on the cloud before
 * it gives up by itself. jhm must never stop Terraform before that: a Terraform killed half-way
 * leaves the state behind the cloud (a cluster Magnum finishes creating that the state does not
 * know). So the default limit is the longest timeout that applies plus a margin (init, the
 * approval prompt, the resources without a timeout), and a shorter `--timeout` is refused.
 *
 * Which timeouts apply: for an apply, `create` and `update` (jhm cannot tell without Terraform
 * which one the cluster will need, so the longer counts); for a destroy, `delete`.
 */
/** One `timeouts.<kind>` of a resource of the stack. */
export interface StackTimeout {
  /** `type.name`, e.g. `openstack_containerinfra_cluster_v1.cluster`. */
  readonly address: string;
  /** `create`, `update`, `delete`, … */
  readonly kind: string;
  /** As written in the stack, e.g. `3h`. */
  readonly text: string;
  readonly ms: number;
}

/** Added to the longest timeout that applies: init, the approval prompt and the resources without a timeout. */
export const TIMEOUT_MARGIN_MS = 15 * 60_000;

/** Terraform's default of a step when the stack sets no timeout that applies (the provider's default is 30 minutes). */
export const NO_STACK_TIMEOUT_MS = 60 * 60_000;

/** Terraform's duration syntax (Go's `time.ParseDuration`): `90m`, `3h`, `1h30m`, `45s`. */
export function parseTerraformDuration(text: string): number | undefined {
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * unit[m[2]];
  return ms;
}

/** A duration as Terraform writes one, e.g. `3h`, `1h30m`, `20s`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts = [[Math.floor(s / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']] as const;
  const text = parts.filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join('');
  return text === '' ? '0s' : text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every `timeouts.<kind>` of the stack's resources whose value is a duration Terraform reads. */
export function stackTimeouts(stack: unknown): StackTimeout[] {
  const out: StackTimeout[] = [];
  const resources = isObject(stack) ? stack.resource : undefined;
  if (!isObject(resources)) return out;
  for (const [type, byName] of Object.entries(resources)) {
    if (!isObject(byName)) continue;
    for (const [name, config] of Object.entries(byName)) {
      const timeouts = isObject(config) ? config.timeouts : undefined;
      if (!isObject(timeouts)) continue;
      for (const [kind, text] of Object.entries(timeouts)) {
        const ms = typeof text === 'string' ? parseTerraformDuration(text) : undefined;
        if (ms !== undefined) out.push({ address: `${type}.${name}`, kind, text: text as string, ms });
      }
    }
  }
  return out;
}

/** The limit of one Terraform run: its default, and the shortest a person may ask for (with why). */
export interface RunLimit {
  readonly defaultSeconds: number;
  /** The longest timeout that applies, if the stack sets one: a shorter `--timeout` is refused. */
  readonly longest?: StackTimeout;
}

/** The limit of `terraform apply` (`kinds` create and update) or `terraform destroy` (`delete`) of `stack`. */
export function runLimit(stack: unknown, kinds: readonly string[]): RunLimit {
  const longest = stackTimeouts(stack)
    .filter((t) => kinds.includes(t.kind))
    .reduce<StackTimeout | undefined>((a, t) => (a === undefined || t.ms > a.ms ? t : a), undefined);
  const ms = longest === undefined ? NO_STACK_TIMEOUT_MS : longest.ms + TIMEOUT_MARGIN_MS;
  return { defaultSeconds: Math.ceil(ms / 1000), longest };
}

/**
 * Why `seconds` is too short for `limit` (one line: the resource, its timeout and what would
 * happen), or undefined when it is long enough.
 */
export function tooShort(seconds: number, limit: RunLimit, step: string): string | undefined {
  const t = limit.longest;
  if (t === undefined || seconds * 1000 >= t.ms) return undefined;
  return `--timeout ${seconds} (${formatDuration(seconds * 1000)}) is shorter than the ${t.text} Terraform itself waits on ${t.address} (timeouts.${t.kind}): jhm would stop ${step} while the cloud is still working, and the state would miss what it finished`;
}
