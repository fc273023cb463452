import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './helpers';
import { crd } from '../support/outside-files';

/** The CRD as cdk8s.yaml and scripts/import-crds.sh name it (relative to the repository). */
const CRD = '../shared/crds/cert-manager-v1.21.1.clusterissuers.yaml';
const crdFile = crd(path.basename(CRD));

describe('imports/cert-manager.io.ts', () => {
  test('cdk8s.yaml lists the ClusterIssuer CRD the bindings are generated from', () => {
    const config = fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8');
    expect(config).toMatch(/^language: typescript$/m);
    expect(config).toContain(`- ${CRD}`);
    expect(fs.readFileSync(path.join(ROOT, 'scripts/import-crds.sh'), 'utf8')).toContain(`"${CRD}"`);
  });

  crdFile.test('the committed bindings are exactly what cdk8s import generates from the shared CRD (run scripts/import-crds.sh if not)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'jhm-crd-import-'));
    try {
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'node_modules/cdk8s-cli/bin/cdk8s'), 'import', '--no-check-upgrade', '--no-save', '--language', 'typescript', '--output', out, crdFile.path],
        { cwd: ROOT, stdio: 'pipe' },
      );
      const generated = fs.readFileSync(path.join(out, 'cert-manager.io.ts'), 'utf8');
      const committed = fs.readFileSync(path.join(ROOT, 'imports/cert-manager.io.ts'), 'utf8');
      expect(committed === generated).toBe(true);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
