/**
 * Container image references as the zero-to-jupyterhub chart takes them: `name` and `tag` apart.
 */

/** An image reference split for `singleuser.image`. */
export interface ImageNameTag {
  /** Repository, with the registry (and its port) when there is one, e.g. `quay.io/jupyter/scipy-notebook`. */
  readonly name: string;
  /** The tag, e.g. `2025-10-20`. */
  readonly tag: string;
}

/**
 * Splits a reference for the chart, which joins `name` and `tag` with a `:`, so that the joined
 * text is the reference again:
 * - `name:tag` at the tag's colon: the last `:` after the last `/`, so a registry port
 *   (`registry.example.org:5000/team/image:1.0`) stays in the name;
 * - `name:tag@sha256:<hex>` the same way, the digest staying with the tag (`tag@sha256:<hex>`);
 * - `name@sha256:<hex>` (pinned by digest alone) at the digest's colon: name `name@sha256`,
 *   tag `<hex>`.
 * The hub schema already requires a tag or a digest; a reference with neither is a bug in the caller.
 */
export function splitImage(ref: string): ImageNameTag {
  const at = ref.indexOf('@');
  const base = at < 0 ? ref : ref.slice(0, at);
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/') && colon < base.length - 1) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  const digest = /^@sha256:([0-9a-f]{64})$/.exec(at < 0 ? '' : ref.slice(at));
  if (digest) return { name: `${base}@sha256`, tag: digest[1] };
  throw new Error(`image "${ref}" has no tag (the hub schema should have refused it)`);
}
