/**
 * The last step of a render, after helm: hooks handled explicitly and namespaces set right.
 */
import { UserError } from '../../model/errors';
import { hookInfo, isTestHook, stripHookAnnotations } from './hooks';
import type { RenderedDocument } from './manifest';
import { ScopeTable } from './scope';
import type { DroppedHook, K8sObject, RenderRequest } from './types';

/**
 * Turns helm's documents into the objects of a render: hooks dropped or kept (`hooks.ts`), then
 * namespaces set right (`scope.ts`). `documents` must be fresh objects: they are modified.
 */
export function finishObjects(
  documents: readonly RenderedDocument[],
  req: Pick<RenderRequest, 'chart' | 'namespace' | 'keepHooks' | 'clusterScopedKinds'>,
): { objects: K8sObject[]; droppedHooks: DroppedHook[] } {
  const scope = new ScopeTable(
    documents.map((d) => d.object),
    req.clusterScopedKinds,
  );
  const objects: K8sObject[] = [];
  const droppedHooks: DroppedHook[] = [];
  for (const { object, source } of documents) {
    const hook = hookInfo(object);
    if (hook) {
      if (isTestHook(hook) || !req.keepHooks?.(hook)) {
        droppedHooks.push({ kind: hook.kind, name: hook.name, hooks: hook.hooks });
        continue;
      }
      stripHookAnnotations(object);
    }
    if (typeof object.metadata.name !== 'string' || object.metadata.name === '') {
      throw new UserError(`helm rendered a ${object.kind} without metadata.name (generateName works only for hooks helm runs)`, {
        file: source ? `${req.chart.name} ${req.chart.version}: ${source}` : `${req.chart.name} ${req.chart.version}`,
      });
    }
    if (scope.isClusterScoped(object)) {
      delete object.metadata.namespace;
    } else if (typeof object.metadata.namespace !== 'string' || object.metadata.namespace === '') {
      object.metadata = withNamespace(object.metadata, req.namespace);
    }
    objects.push(object);
  }
  return { objects, droppedHooks };
}

/** `metadata` with `namespace` placed right after `name` (where people expect to read it). */
function withNamespace(metadata: K8sObject['metadata'], namespace: string): K8sObject['metadata'] {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (k === 'namespace') continue;
    out[k] = v;
    if (k === 'name') out.namespace = namespace;
  }
  return out as K8sObject['metadata'];
}
