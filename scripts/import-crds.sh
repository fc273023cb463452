#!/usr/bin/env bash
# Regenerates the typed cdk8s bindings in imports/ from the CRDs the Kubernetes app uses:
# the cert-manager ClusterIssuer CRD (imports/cert-manager.io.ts). Run it from anywhere after
# changing the CRD file (e.g. when CHARTS.certManager in model/versions.ts moves to a new
# version), then review and commit the diff of imports/.
#
# The same CRD is listed under `imports:` in cdk8s.yaml, so a bare `npx cdk8s import` does the same.
# Works offline: the CRD is read from ../shared (beside the project root), not downloaded.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

crd="../shared/crds/cert-manager-v1.21.1.clusterissuers.yaml"
if [[ ! -f "$crd" ]]; then
  echo "import-crds: $crd not found (expected the shared CRDs beside the project root)" >&2
  exit 1
fi

npx --no-install cdk8s import --no-check-upgrade --no-save --language typescript --output imports "$crd"
