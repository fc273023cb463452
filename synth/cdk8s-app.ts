/**
 * Entry point of the Kubernetes app for the `cdk8s` CLI (`cdk8s synth`, see cdk8s.yaml): renders
 * every hub's manifests into dist/<hub>/ and dist-secrets/<hub>/. `jhm synth` does the same in
 * process together with the Terraform app.
 */
import { synthHubs } from './pipeline';
import { reportError } from './report';

synthHubs({ root: process.cwd(), apps: { infra: false, k8s: true } }).catch((e) => {
  process.exitCode = reportError(e, Boolean(process.env.JHM_DEBUG));
});
