/**
 * Types the Helm rendering engine hands to the rest of the Kubernetes side. Nothing here depends on
 * the hub model: a rendered chart is a list of plain Kubernetes objects.
 */
import type { ChartPin } from '../../model/versions';

/** A Kubernetes object as rendered by a chart: plain JSON data, safe to serialize. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** What `keepHooks` is told about one Helm hook object. */
export interface HookInfo {
  readonly apiVersion: string;
  readonly kind: string;
  /** `metadata.name` (or `metadata.generateName` when the hook has no name). */
  readonly name: string;
  /** The hook events of `helm.sh/hook`, e.g. `['pre-install', 'pre-upgrade']`. */
  readonly hooks: readonly string[];
  /** `helm.sh/hook-weight` as a number (0 when absent). */
  readonly weight: number;
  /** The policies of `helm.sh/hook-delete-policy`, e.g. `['before-hook-creation']`. */
  readonly deletePolicies: readonly string[];
  /** The object as the chart rendered it (do not modify). */
  readonly object: Readonly<K8sObject>;
}

/** A hook object left out of the render. */
export interface DroppedHook {
  readonly kind: string;
  readonly name: string;
  readonly hooks: readonly string[];
}

/** One `helm template` run. */
export interface RenderRequest {
  /** The chart to render (a pin of the project's `charts.yaml` or jhm's, `project/chart-pins.ts`). */
  readonly chart: ChartPin;
  /** Helm release name (`.Release.Name`). */
  readonly release: string;
  /** Release namespace: namespaced objects that do not name one are put here. */
  readonly namespace: string;
  /** Chart values (JSON data only). */
  readonly values: Record<string, unknown>;
  /** Kubernetes version for `.Capabilities.KubeVersion`, e.g. `v1.33.0`. */
  readonly kubeVersion: string;
  /** Extra API versions for `.Capabilities.APIVersions`, e.g. `monitoring.coreos.com/v1`. */
  readonly apiVersions?: readonly string[];
  /**
   * Which Helm hooks to keep as plain objects (their `helm.sh/hook*` annotations removed).
   * Default: none; every hook is dropped and listed in `droppedHooks`. Test hooks are always dropped.
   */
  readonly keepHooks?: (hook: HookInfo) => boolean;
  /**
   * Kinds that are cluster-scoped besides the built-in ones and the CRDs of this render whose scope
   * is `Cluster`, e.g. `['ClusterIssuer']` when the CRD comes from another chart. Matched by kind.
   */
  readonly clusterScopedKinds?: readonly string[];
}

/** The objects of one chart render. */
export interface RenderResult {
  /** Rendered objects, in Helm's order, with namespaces set right and hooks handled. */
  readonly objects: K8sObject[];
  /** Hooks left out (every hook `keepHooks` did not keep, and every test hook). */
  readonly droppedHooks: DroppedHook[];
  /** sha256 (hex) of the chart archive that was rendered. */
  readonly chartDigest: string;
}
