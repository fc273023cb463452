/**
 * The Terraform stack of one hub: its Magnum cluster, extra nodegroups, ingress floating IP and
 * DNS record, and the outputs the Kubernetes side and `jhm` read after a deploy.
 */
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { requireDnsLabel } from '../config/construct-props';
import type { Hub } from '../config/hub';
import { INFRA_OUTPUTS } from '../config/outputs';
import { localStateFileName } from '../config/layout';
import { IngressAddress } from './ingress-address';
import { MagnumCluster } from './magnum-cluster';
import { MagnumNodeGroup } from './magnum-nodegroup';
import { HubOpenstackProvider } from './openstack-provider';
import { terraformLiteral } from './terraform-text';

/** Props of {@link HubStack}. */
export interface HubStackProps {
  /** The resolved hub (`config/hub.ts`); the stack is named after `hub.name`. */
  readonly hub: Hub;
  /**
   * Local state file, relative to the stack's working directory `cdktf.out/stacks/<hub>`
   * (where cdktf runs Terraform).
   * @default `../../../terraform.<hub>.tfstate`: `terraform.<hub>.tfstate` in the project root,
   * the file cdktf's default backend uses, written without the machine's absolute path
   */
  readonly stateFile?: string;
}

/**
 * One hub's infrastructure on OpenStack. Resource addresses are fixed (`cluster`,
 * `nodegroup-<name>`, `ingress`, ...) so that state stays attached when the code is refactored.
 * The outputs are direct children named as in `INFRA_OUTPUTS`, so the outputs file reads
 * `{ "<hub>": { "<output>": value } }` (see `config/outputs.ts`).
 */
export class HubStack extends TerraformStack {
  public readonly hub: Hub;
  public readonly cluster: MagnumCluster;
  public readonly nodeGroups: readonly MagnumNodeGroup[];
  public readonly ingress: IngressAddress;

  constructor(scope: Construct, props: HubStackProps) {
    const { hub } = props;
    super(scope, hub.name);
    requireDnsLabel(hub.name, `HubStack ${hub.name}`, 'hub.name');
    this.hub = hub;
    const c = hub.cluster.magnum;

    new LocalBackend(this, { path: props.stateFile ?? defaultStateFile(hub.name) });
    new HubOpenstackProvider(this, 'openstack', { cloud: hub.cluster.cloud.name, region: hub.cluster.cloud.region });

    this.cluster = new MagnumCluster(this, 'cluster', {
      name: hub.cluster.magnumName,
      template: c.template,
      keypair: c.keypair,
      fixedNetwork: c.fixedNetwork,
      masterFlavor: c.masterFlavor,
      masterCount: c.masterCount,
      defaultWorker: hub.cluster.defaultWorker,
      dockerVolumeSize: c.dockerVolumeSize,
      autoscaling: c.autoscaling,
      labels: c.labels,
      createTimeout: c.createTimeout,
      deletionProtection: c.deletionProtection,
    });

    this.nodeGroups = hub.cluster.nodeGroups.map(
      (nodeGroup) =>
        new MagnumNodeGroup(this, `nodegroup-${nodeGroup.name}`, {
          clusterId: this.cluster.clusterId,
          nodeGroup,
          autoscaling: c.autoscaling,
        }),
    );

    this.ingress = new IngressAddress(this, 'ingress', {
      floatingIpPool: hub.cluster.ingress.floatingIpPool,
      zone: hub.cluster.zone,
      host: hub.host,
      ttl: hub.recordTtl,
      description: `Ingress of JupyterHub ${hub.name} (${hub.host})`,
    });

    output(this, INFRA_OUTPUTS.clusterId, this.cluster.clusterId, 'Magnum cluster UUID');
    output(this, INFRA_OUTPUTS.apiAddress, this.cluster.apiAddress, 'Kubernetes API server URL');
    output(this, INFRA_OUTPUTS.ingressIp, this.ingress.ip, 'Floating IP of the ingress controller (the A record points at it)');
    output(this, INFRA_OUTPUTS.hubUrl, terraformLiteral(hub.url, 'HubStack: hub.url'), 'URL of the hub');
    output(this, INFRA_OUTPUTS.kubeconfig, this.cluster.kubeconfig, 'Admin kubeconfig of the cluster', true);
  }
}

/** `../../../terraform.<hub>.tfstate`: the project root seen from `cdktf.out/stacks/<hub>`. */
export function defaultStateFile(hubName: string): string {
  return `../../../${localStateFileName(hubName)}`;
}

/** A Terraform output whose name, and key in the outputs file, is exactly `name`. */
function output(stack: TerraformStack, name: string, value: string, description: string, sensitive = false): TerraformOutput {
  return new TerraformOutput(stack, name, { value, description, sensitive, staticId: true });
}
