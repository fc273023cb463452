/**
 * The outputs file round trip: a synthesized hub stack, the outputs file the cdktf CLI writes
 * from it (with cdktf-cli's own code), and `project/outputs.ts` reading it back.
 */
import * as fs from 'fs';
import * as path from 'path';
// cdktf-cli's implementation of `cdktf deploy --outputs-file` (a dependency of cdktf-cli).
import { getConstructIdsForOutputs, saveOutputs } from '@cdktf/cli-core/src/lib/output';
import { outputsFilePath, readInfraOutputs, readIngressIp } from '../../project/outputs';
import { clusterUnits } from '../../model/cluster-unit';
import { synthInfra } from '../../infra/synth';
import { cleanupTempDirs, exampleHub, tempDir } from './support';

afterAll(cleanupTempDirs);

/** What `terraform output -json` returns after a deploy of the example stack (fake values). */
const TERRAFORM_OUTPUTS = {
  cluster_id: { sensitive: false, type: 'string', value: '0b5d3e0c-0000-4000-8000-000000000001' },
  api_address: { sensitive: false, type: 'string', value: 'https://149.165.0.10:6443' },
  ingress_ip: { sensitive: false, type: 'string', value: '149.165.0.20' },
  hub_url: { sensitive: false, type: 'string', value: 'https://example.ees220002.projects.jetstream-cloud.org' },
  kubeconfig: { sensitive: true, type: 'string', value: 'fake-kubeconfig-for-tests' },
};

function deployOutputsFile(includeSensitive: boolean): string {
  const root = tempDir();
  const outdir = path.join(root, 'cdktf.out');
  synthInfra(clusterUnits([exampleHub()]), outdir);
  const stackContent = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'example', 'cdk.tf.json'), 'utf8'));
  // As CdktfProject.deploy: outputsByConstructId of every stack, saved with saveOutputs.
  const byConstructId = getConstructIdsForOutputs(stackContent, TERRAFORM_OUTPUTS);
  const file = outputsFilePath(root, 'example');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  saveOutputs(file, byConstructId, includeSensitive);
  return root;
}

test('readIngressIp reads the ingress IP from the file cdktf deploy --outputs-file writes', () => {
  const root = deployOutputsFile(false);
  expect(JSON.parse(fs.readFileSync(outputsFilePath(root, 'example'), 'utf8'))).toEqual({
    example: {
      cluster_id: TERRAFORM_OUTPUTS.cluster_id.value,
      api_address: TERRAFORM_OUTPUTS.api_address.value,
      ingress_ip: TERRAFORM_OUTPUTS.ingress_ip.value,
      hub_url: TERRAFORM_OUTPUTS.hub_url.value,
    },
  });
  expect(readIngressIp(root, 'example')).toBe('149.165.0.20');
});

test('the kubeconfig reaches the outputs file only with --outputs-file-include-sensitive-outputs', () => {
  expect(readInfraOutputs(deployOutputsFile(false), 'example')?.kubeconfig).toBeUndefined();
  expect(readInfraOutputs(deployOutputsFile(true), 'example')).toEqual({
    clusterId: TERRAFORM_OUTPUTS.cluster_id.value,
    apiAddress: TERRAFORM_OUTPUTS.api_address.value,
    ingressIp: TERRAFORM_OUTPUTS.ingress_ip.value,
    hubUrl: TERRAFORM_OUTPUTS.hub_url.value,
    kubeconfig: 'fake-kubeconfig-for-tests',
  });
});
