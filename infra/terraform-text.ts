/**
 * The one place where text meant literally (names, labels, descriptions) is made safe for the
 * Terraform JSON. Every construct in `infra/` passes its text props through
 * {@link terraformLiteral}, so text given through the TypeScript API is never evaluated either.
 * See `model/terraform-text.ts` for what Terraform and cdktf do with strings.
 */
import { Token, Tokenization } from 'cdktf';
import { CDKTF_TOKEN_MARKER, TEMPLATE_SEQUENCE, TEMPLATE_SEQUENCE_AFTER_LONE_CR, unicodeProblem } from '../model/terraform-text';

/**
 * `text` as it must appear in the Terraform JSON for Terraform to read exactly `text`: every `${`
 * becomes `$${` and every `%{` becomes `%%{` (so `$${` becomes `$$${`). Text without either is
 * returned unchanged.
 *
 * cdktf tokens in `text` (references to other resources, made by code) are kept, and cdktf turns
 * them into `${…}` expressions as usual. Throws, naming `what`, for text no escaping can keep
 * intact: a token marker that is no live token, `${`/`%{` in text that also holds a token (cdktf
 * would read the escaped `${` as the start of an expression), `${`/`%{` after a carriage return
 * without a line feed (Terraform stops reading escapes there), and Unicode Terraform would change.
 * Hub files never get here with such text: the hub schema refuses it first.
 */
export function terraformLiteral(text: string, what: string): string {
  if (Token.isUnresolved(text)) {
    let literals: string[];
    try {
      literals = Tokenization.reverseString(text).literals as unknown as string[];
    } catch {
      throw new Error(`${what}: holds "\${TfToken[", which cdktf reads as a token, but it is none`);
    }
    for (const literal of literals) {
      if (TEMPLATE_SEQUENCE.test(literal)) {
        throw new Error(`${what}: literal "\${" or "%{" next to a cdktf token cannot be escaped; pass the literal text separately`);
      }
      check(literal, what);
    }
    return text;
  }
  check(text, what);
  return text.replace(/([$%])\{/g, '$1$1{');
}

/** {@link terraformLiteral} of every key and value of a string map (Terraform reads keys as templates too). */
export function terraformLiteralMap(map: Readonly<Record<string, string>>, what: string): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [terraformLiteral(k, `${what} key`), terraformLiteral(v, `${what}.${k}`)]));
}

function check(text: string, what: string): void {
  if (CDKTF_TOKEN_MARKER.test(text)) {
    throw new Error(`${what}: holds a cdktf token marker ("{TfToken["), which cdktf would read as a reference`);
  }
  if (TEMPLATE_SEQUENCE_AFTER_LONE_CR.test(text)) {
    throw new Error(`${what}: holds "\${" or "%{" after a carriage return without a line feed, where Terraform no longer reads escapes: end lines with "\\n" or "\\r\\n"`);
  }
  const problem = unicodeProblem(text);
  if (problem !== undefined) {
    throw new Error(`${what}: ${problem}`);
  }
}
