/**
 * Text that reaches the Terraform JSON (`cdk.tf.json`) and what Terraform does to it.
 *
 * Terraform reads every JSON string, map keys included, as a template: `${…}` is evaluated as an
 * expression (`${file("/etc/passwd")}` reads that file on the deploying machine) and `%{…}` as a
 * directive; `$${` and `%%{` stand for the literal text. After a carriage return not followed by
 * a line feed, HCL's template scanner gives up and reads the rest of the string by other rules:
 * `${` is then literal and `$$${` no longer stands for `$${`, so text with a template sequence
 * after a lone carriage return cannot be escaped. It also normalizes strings to Unicode NFC and
 * drops a leading byte-order mark. Before that, cdktf reads `${TfToken[…]}`,
 * `#{TfToken[…]}` and `&{TfToken[…]}` in any string as references to its own tokens.
 *
 * Hub-file text that reaches Terraform (OpenStack names, Magnum labels, the cloud and region) can
 * never legitimately contain any of that, so the hub schema refuses it with
 * {@link terraformTextProblem}; the constructs in `infra/` escape their own props as well
 * (`infra/terraform-text.ts`), so the TypeScript API is safe on its own.
 */

/** `${` or `%{`: the start of a Terraform template interpolation or directive. */
export const TEMPLATE_SEQUENCE = /[$%]\{/;

/**
 * A `${` or `%{` after a carriage return that is not followed by a line feed: HCL's bare-template
 * scanner stops at the lone carriage return and reads the rest with its string-literal rules, where
 * a run of `$` or `%` before `{` pairs up from the left, so no escaping keeps such text intact.
 */
export const TEMPLATE_SEQUENCE_AFTER_LONE_CR = /\r(?!\n)[^]*[$%]\{/;

/** A cdktf token marker: a string, list or map token (`${TfToken[`, `#{TfToken[`, `&{TfToken[`). */
export const CDKTF_TOKEN_MARKER = /[$#&]\{TfToken\[/;

/**
 * Why Terraform would not see `text` exactly as written (Unicode only: lone surrogates, text not
 * in NFC, a leading byte-order mark), or `undefined` when it would.
 */
export function unicodeProblem(text: string): string | undefined {
  if (/\p{Cs}/u.test(text)) {
    return 'is not valid Unicode text (it holds a lone surrogate)';
  }
  if (text.normalize('NFC') !== text) {
    return 'is not in Unicode normalization form NFC, and Terraform would change it: retype it, or convert the file to NFC (e.g. uconv -x any-nfc)';
  }
  if (text.startsWith('\uFEFF')) {
    return 'starts with a byte-order mark (U+FEFF), which Terraform would drop: remove it';
  }
  return undefined;
}

/**
 * Why `text`, a hub-file name or label that reaches Terraform verbatim, is refused, or
 * `undefined` when Terraform (and cdktf before it) reads it exactly as written.
 */
export function terraformTextProblem(text: string): string | undefined {
  const sequence = TEMPLATE_SEQUENCE.exec(text);
  if (sequence) {
    return `contains "${sequence[0]}", which Terraform would evaluate as an expression: OpenStack names and Magnum labels never contain "\${" or "%{"`;
  }
  if (CDKTF_TOKEN_MARKER.test(text)) {
    return 'contains "{TfToken[", which cdktf would read as a reference: remove it';
  }
  return unicodeProblem(text);
}
