/**
 * A Namespace jhm writes itself (one for every namespace an object of the cluster uses), as a
 * cdk8s construct. It writes what the binding `cdk8s import k8s` generates (`KubeNamespace`) writes:
 * apiVersion, kind and metadata only (no `spec: {}`), the metadata's fields in the binding's
 * order, which is alphabetical (`annotations`, `labels`, `name`), where a plain `ApiObject`
 * writes `name` first.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export interface NamespaceProps {
  /** The namespace's name. */
  readonly name: string;
}

/** A `v1` Namespace. */
export class Namespace extends ApiObject {
  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: props.name } });
  }

  /** The object, its metadata's fields in alphabetical order (the generated binding's `ObjectMeta` order). */
  public override toJson(): any {
    const { apiVersion, kind, metadata } = super.toJson();
    const ordered = Object.fromEntries(Object.keys(metadata).sort().map((k) => [k, metadata[k]]));
    return { apiVersion, kind, metadata: ordered };
  }
}
