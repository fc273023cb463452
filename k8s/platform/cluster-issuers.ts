/**
 * The Let's Encrypt ClusterIssuers: `letsencrypt` (production) and `letsencrypt-staging`, both
 * solving ACME HTTP-01 challenges through the hub's ingress controller. The hub certificate names
 * one of them (`hub.issuer`); both exist so that switching only changes the hub's Ingress.
 */
import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import type { Hub } from '../../config/hub';
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
  /**
   * The hub. Read: `spec.letsEncrypt.email`, the ACME account email (the address Let's Encrypt
   * has for contacting the account holder), and `ingress.className`, the IngressClass of the
   * temporary Ingress cert-manager creates for each HTTP-01 challenge
   * (`solvers[].http01.ingress.ingressClassName`), i.e. the hub's ingress controller.
   */
  readonly hub: Hub;
}

/**
 * Both Let's Encrypt ClusterIssuers. They are cluster-scoped: no namespace is written, even when
 * the enclosing cdk8s Chart has one.
 */
export class LetsEncryptIssuers extends Construct {
  /** `letsencrypt`: the production ACME server (trusted certificates, strict rate limits). */
  public readonly production: ClusterIssuer;
  /** `letsencrypt-staging`: the staging server (untrusted certificates, generous rate limits). */
  public readonly staging: ClusterIssuer;

  constructor(scope: Construct, id: string, props: LetsEncryptIssuersProps) {
    super(scope, id);
    const acme = { email: props.hub.spec.letsEncrypt.email, ingressClassName: props.hub.ingress.className };
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
