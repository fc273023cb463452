/**
 * Zod building blocks shared by the cluster file (`cluster-schema.ts`) and the hub file
 * (`hub-schema.ts`): DNS labels, text that reaches Terraform, IPv4 addresses, flavors, durations.
 */
import { isIPv4 } from 'net';
import { z } from 'zod';
import { DNS_LABEL, DNS_LABEL_RULE } from './dns';
import { terraformTextProblem } from './terraform-text';

const DNS_LABEL_MESSAGE = `must be a DNS label: ${DNS_LABEL_RULE}`;

/** A lowercase DNS label (RFC 1123), as used for cluster, nodegroup and record names. */
export const dnsLabel = z.string().regex(DNS_LABEL, DNS_LABEL_MESSAGE);

/**
 * Text that reaches the Terraform JSON verbatim (OpenStack names, Magnum labels, cloud, region,
 * backend settings): refused when Terraform would evaluate it (`${`, `%{`) or change it
 * (`model/terraform-text.ts`). Every string field that reaches Terraform is this or a pattern
 * that excludes `$`, `%` and `{` (test/config/terraform-text.test.ts checks that for every string
 * field of the hub schema).
 */
export const terraformText = z
  .string()
  .superRefine((text, ctx) => {
    const problem = terraformTextProblem(text);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  // So that editors flag the worst case too (the JSON Schemas); the refinement above is the rule.
  .meta({ pattern: '^(?![\\s\\S]*[$%]\\{)' });

/** An IPv4 address in dotted-quad form (Node's `net.isIPv4`; editors get the JSON Schema format). */
export const ipv4 = z
  .string()
  .refine((s) => isIPv4(s), 'must be an IPv4 address such as 149.165.150.20')
  .meta({ format: 'ipv4' });

/** An OpenStack flavor name. */
export const flavor = terraformText.min(1, 'must name an OpenStack flavor, e.g. m3.quad');

/** A duration in minutes or hours. */
export const timeout = z.string().regex(/^[0-9]+[mh]$/, 'must be a duration in minutes or hours, e.g. "90m" or "2h"');

/** An http(s) URL that reaches Terraform verbatim. */
export const terraformUrl = terraformText.refine((s) => /^https?:\/\/[^\s/]+/.test(s) && URL.canParse(s), 'must be an http(s) URL such as https://js2.jetstream-cloud.org:8001');
