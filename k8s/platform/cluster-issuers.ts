/**
 * The Let's Encrypt ClusterIssuers: `letsencrypt` (production) and `letsencrypt-staging`, both
 * solving ACME HTTP-01 challenges through the hub's ingress controller. The hub certificate names
 * one of them (`hub.issuer`); both exist so that switching only changes the hub's Ingress.
 */
import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { requireProp } from '../../model/construct-props';
import { isDnsSubdomain } from '../../model/dns';
import { quote } from '../../model/errors';
import type { Hub } from '../../model/hub';
import { ClusterIssuer } from '../../imports/cert-manager.io';

/** Name of a Let's Encrypt ClusterIssuer (the values `letsEncrypt.issuer` may take). */
export type LetsEncryptIssuerName = Hub['issuer'];

/** ACME directory of each issuer. */
export const LETSENCRYPT_SERVERS = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const satisfies Record<LetsEncryptIssuerName, string>;

/** Name of the Secret (in cert-manager's namespace) holding the ACME account key of `issuer`. */
export function accountKeySecretName(issuer: LetsEncryptIssuerName): string {
  return `${issuer}-account-key`;
}

export interface LetsEncryptIssuersProps {
  /** The ACME account email (`hub.letsEncryptEmail`): the address Let's Encrypt has for contacting the account holder. */
  readonly email: string;
  /**
   * The IngressClass of the temporary Ingress cert-manager creates for each HTTP-01 challenge
   * (`solvers[].http01.ingress.ingressClassName`): the hub's ingress controller's,
   * `hub.ingress.className`.
   */
  readonly ingressClassName: string;
}

/** An address Let's Encrypt can write to: one `@`, no spaces, a dotted domain (the hub schema checks it fully). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Both Let's Encrypt ClusterIssuers. They are cluster-scoped: no namespace is written, even when
 * the enclosing cdk8s Chart has one. Throws when `email` is not an email address or
 * `ingressClassName` not a Kubernetes object name.
 */
export class LetsEncryptIssuers extends Construct {
  /** `letsencrypt`: the production ACME server (trusted certificates, strict rate limits). */
  public readonly production: ClusterIssuer;
  /** `letsencrypt-staging`: the staging server (untrusted certificates, generous rate limits). */
  public readonly staging: ClusterIssuer;

  constructor(scope: Construct, id: string, props: LetsEncryptIssuersProps) {
    super(scope, id);
    const what = `LetsEncryptIssuers ${id}`;
    requireProp(EMAIL.test(props.email), what, 'email', `is ${quote(props.email)}; it must be an email address Let's Encrypt can write to`);
    requireProp(isDnsSubdomain(props.ingressClassName), what, 'ingressClassName', `is ${quote(props.ingressClassName)}; it must be an IngressClass name (a DNS subdomain)`);
    const acme = { email: props.email, ingressClassName: props.ingressClassName };
    this.production = this.issuer('letsencrypt', acme);
    this.staging = this.issuer('letsencrypt-staging', acme);
  }

  /** The ClusterIssuer named `name`. */
  public byName(name: LetsEncryptIssuerName): ClusterIssuer {
    return name === 'letsencrypt' ? this.production : this.staging;
  }

  private issuer(name: LetsEncryptIssuerName, props: { email: string; ingressClassName: string }): ClusterIssuer {
    const issuer = new ClusterIssuer(this, name, {
      metadata: { name },
      spec: {
        acme: {
          server: LETSENCRYPT_SERVERS[name],
          email: props.email,
          privateKeySecretRef: { name: accountKeySecretName(name) },
          solvers: [{ http01: { ingress: { ingressClassName: props.ingressClassName } } }],
        },
      },
    });
    // cdk8s gives every object the Chart's namespace; a cluster-scoped object must not have one.
    if (issuer.metadata.namespace !== undefined) {
      issuer.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    return issuer;
  }
}
