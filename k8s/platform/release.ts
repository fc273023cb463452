/**
 * A Helm release of the platform, as the renderer needs it: which chart, under which release
 * name and namespace, with which values, and what the user should be told about it.
 */
import type { Diagnostic } from '../../model/diagnostics';
import type { ChartKey } from '../../model/versions';

/**
 * @typeParam V the values' type.
 * @typeParam C the chart's key (`charts.yaml` pins its version; the renderer reads the pin).
 */
export interface HelmRelease<V extends object = object, C extends ChartKey = ChartKey> {
  /** Which chart (from the resolved hub, e.g. `hub.ingress.chart`). */
  readonly chart: C;
  /** Helm release name; the charts derive their object names from it. */
  readonly release: string;
  /** Namespace the release is rendered into. */
  readonly namespace: string;
  /** Values passed to the chart (only what differs from the chart's defaults). */
  readonly values: V;
  /** Warnings to show the user; empty when all is well. */
  readonly warnings: readonly Diagnostic[];
  /**
   * API groups whose CustomResourceDefinitions the chart ships (in its `crds/`, which helm
   * installs whatever the values) but nothing of the release reads with these values: left out of
   * the output, so `dist/` holds no CRD that nothing uses.
   * @default none
   */
  readonly unusedCrdGroups?: readonly string[];
}

/** Whether `obj` is a CRD of one of `release`'s unused groups (see `HelmRelease.unusedCrdGroups`). */
export function isUnusedCrd(release: Pick<HelmRelease, 'unusedCrdGroups'>, obj: { readonly kind: string; readonly spec?: unknown }): boolean {
  const group = (obj.spec as { group?: unknown } | undefined)?.group;
  return obj.kind === 'CustomResourceDefinition' && typeof group === 'string' && (release.unusedCrdGroups ?? []).includes(group);
}
