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
 * Splits `name:tag` at the tag's colon: the last `:` after the last `/`, so a registry port
 * (`registry.example.org:5000/team/image:1.0`) stays in the name. The hub schema already requires
 * an explicit tag; a reference without one is a bug in the caller.
 */
export function splitImage(ref: string): ImageNameTag {
  const colon = ref.lastIndexOf(':');
  if (colon <= ref.lastIndexOf('/') || colon === ref.length - 1) {
    throw new Error(`image "${ref}" has no tag (the hub schema should have refused it)`);
  }
  return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}
