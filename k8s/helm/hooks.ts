/**
 * Helm hooks, handled explicitly: the tool applies manifests itself, so nothing would run a hook at
 * the moment Helm would. A hook is therefore either dropped (and reported) or kept as a plain
 * object without its `helm.sh/hook*` annotations. Test hooks are always dropped.
 */
import type { HookInfo, K8sObject } from './types';

/** The annotation that makes an object a Helm hook. */
export const HOOK_ANNOTATION = 'helm.sh/hook';
const WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
const DELETE_POLICY_ANNOTATION = 'helm.sh/hook-delete-policy';

/** Hook events of `helm test` (`test-success` and `test-failure` are Helm 2 names). */
export const TEST_HOOKS: ReadonlySet<string> = new Set(['test', 'test-success', 'test-failure']);

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The hook description of `o`, or undefined when `o` is not a hook. */
export function hookInfo(o: K8sObject): HookInfo | undefined {
  const annotations = o.metadata.annotations;
  if (!annotations || !Object.prototype.hasOwnProperty.call(annotations, HOOK_ANNOTATION)) return undefined;
  const weight = Number.parseInt(String(annotations[WEIGHT_ANNOTATION] ?? '0'), 10);
  const generateName = (o.metadata as { generateName?: unknown }).generateName;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: typeof o.metadata.name === 'string' && o.metadata.name !== '' ? o.metadata.name : typeof generateName === 'string' ? generateName : '',
    hooks: list(String(annotations[HOOK_ANNOTATION])),
    weight: Number.isFinite(weight) ? weight : 0,
    deletePolicies: list(annotations[DELETE_POLICY_ANNOTATION] === undefined ? undefined : String(annotations[DELETE_POLICY_ANNOTATION])),
    object: deepFreeze(structuredClone(o)),
  };
}

/** True when the hook runs under `helm test`. */
export function isTestHook(hook: HookInfo): boolean {
  return hook.hooks.some((h) => TEST_HOOKS.has(h));
}

/** Removes every `helm.sh/hook*` annotation from `o` (and `annotations` itself when left empty). */
export function stripHookAnnotations(o: K8sObject): void {
  const annotations = o.metadata.annotations;
  if (!annotations) return;
  for (const key of Object.keys(annotations)) if (key.startsWith(HOOK_ANNOTATION)) delete annotations[key];
  if (Object.keys(annotations).length === 0) delete o.metadata.annotations;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
