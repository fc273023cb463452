/**
 * Issue 12, item 3: the Kubernetes version charts are rendered for follows the cluster template
 * from one place (model/cluster-templates.ts). A template named like `kubernetes-1-33-jammy`
 * deploys Kubernetes 1.33; `kubernetesVersion` is optional and, when given, must agree with the
 * template; with `templateId` (no name to read) it is required. Changing the template changes only
 * the template lookup of the Terraform stack (cluster_template_id: a rolling upgrade in place).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { defineHub } from '../../model/hub';
import { loadClusterFile, loadHubFile } from '../../project/load';
import fc from 'fast-check';
import { helmKubeVersion, inPlaceUpgradeProblem, templateKubernetesMinor, templateNameFor } from '../../model/cluster-templates';
import { DEFAULT_CLUSTER_TEMPLATE } from '../../model/versions';
import { clusterInput, errorLines, projectWith } from './cluster-fixtures';
import { cleanupTempDirs, synthHub, variantHub } from '../infra/support';

afterAll(cleanupTempDirs);

const REPO = path.join(__dirname, '..', '..');
const EXAMPLE = parse(fs.readFileSync(path.join(REPO, 'hubs', 'example.yaml'), 'utf8')) as Record<string, any>;
const UUID = '0b3a6f5e-1111-4222-8333-944455556666';

/** The cluster file `clusters/shared.yaml` with `edit` applied to its magnum part, loaded. */
const cluster = (edit: (magnum: Record<string, any>) => void) => {
  const root = projectWith({ clusters: { shared: clusterInput((c) => edit(c.magnum)) } });
  return () => loadClusterFile(path.join(root, 'clusters', 'shared.yaml'), 'clusters/shared.yaml');
};

/** The example hub (legacy format: `cluster:` a mapping) with `edit` applied to its cluster part. */
const legacyHub = (edit: (c: Record<string, any>) => void) => () => {
  const input = structuredClone(EXAMPLE);
  edit(input.cluster);
  return defineHub('example', input, {}, 'hubs/example.yaml');
};

describe('the Kubernetes version a template name states', () => {
  test.each([
    ['kubernetes-1-33-jammy', '1.33'],
    ['kubernetes-1-27-jammy', '1.27'],
    ['kubernetes-1-34-jammy-v2', '1.34'],
    ['kubernetes-v1.30.4-focal', '1.30'],
    ['k8s-1-31', '1.31'],
    ['Kubernetes-1-32-Jammy', '1.32'],
    ['my-own-template', undefined],
    ['kubernetes-jammy', undefined],
    ['fedora-coreos-kubernetes', undefined],
    ['superkubernetes-1-33', undefined],
  ])('%s states %s', (name, minor) => {
    expect(templateKubernetesMinor(name)).toBe(minor);
  });

  test('helm\'s form of a version: vX.Y.Z', () => {
    expect([helmKubeVersion('1.33'), helmKubeVersion('v1.32'), helmKubeVersion('1.33.4'), helmKubeVersion('v1.31.2')]).toEqual(['v1.33.0', 'v1.32.0', 'v1.33.4', 'v1.31.2']);
  });

  test('the default template states a version', () => {
    expect(templateKubernetesMinor(DEFAULT_CLUSTER_TEMPLATE)).toBe('1.33');
  });
});

describe('rule: without kubernetesVersion the version follows the template', () => {
  test('the default template renders for 1.33', () => {
    const c = cluster(() => undefined)();
    expect(c.kubeVersion).toBe('v1.33.0');
    expect(c.magnum.kubernetes).toEqual({ kubeVersion: 'v1.33.0', shown: '1.33', field: 'template' });
  });

  test('another template renders for the version its name states (cluster file and legacy hub file)', () => {
    expect(cluster((m) => (m.template = 'kubernetes-1-34-jammy'))().kubeVersion).toBe('v1.34.0');
    expect(legacyHub((c) => ((c.template = 'kubernetes-1-32-jammy'), delete c.kubernetesVersion))().cluster.kubeVersion).toBe('v1.32.0');
  });

  test('the example files, which set kubernetesVersion to what their template states, render for the same version without it (their output is unchanged)', () => {
    const example = loadHubFile(path.join(REPO, 'hubs', 'example.yaml'), 'hubs/example.yaml');
    const shared = loadClusterFile(path.join(REPO, 'clusters', 'shared.yaml'), 'clusters/shared.yaml');
    const withoutVersion = legacyHub((c) => delete c.kubernetesVersion)();
    expect([example.cluster.kubeVersion, shared.kubeVersion, withoutVersion.cluster.kubeVersion]).toEqual(['v1.33.0', 'v1.33.0', 'v1.33.0']);
    expect(example.cluster.magnum.kubernetes.field).toBe('kubernetesVersion');
    expect(withoutVersion.cluster.magnum.kubernetes.field).toBe('template');
  });
});

describe('rule: a kubernetesVersion that is given must agree with the template\'s minor version', () => {
  test('a patch release of the template\'s version is used as written', () => {
    const c = cluster((m) => ((m.template = 'kubernetes-1-33-jammy'), (m.kubernetesVersion = '1.33.4')))();
    expect(c.kubeVersion).toBe('v1.33.4');
    expect(c.magnum.kubernetes).toEqual({ kubeVersion: 'v1.33.4', shown: '1.33.4', field: 'kubernetesVersion' });
    expect(cluster((m) => (m.kubernetesVersion = 'v1.33'))().kubeVersion).toBe('v1.33.0');
  });

  test('another minor version fails with one line naming the file, the field and the fix (cluster file)', () => {
    expect(errorLines(cluster((m) => ((m.template = 'kubernetes-1-34-jammy'), (m.kubernetesVersion = '1.33.0'))))).toEqual([
      expect.stringMatching(
        /^clusters\/shared\.yaml(:\d+)?: magnum\.kubernetesVersion: is 1\.33\.0, but the cluster template "kubernetes-1-34-jammy" deploys Kubernetes 1\.34; remove magnum\.kubernetesVersion \(the version follows the template\) or set it to a 1\.34 release$/,
      ),
    ]);
  });

  test('another minor version fails on cluster.kubernetesVersion in a legacy hub file (an upgrade that forgot the version)', () => {
    expect(errorLines(legacyHub((c) => (c.template = 'kubernetes-1-34-jammy')))).toEqual([
      expect.stringMatching(
        /^hubs\/example\.yaml(:\d+)?: cluster\.kubernetesVersion: is 1\.33\.0, but the cluster template "kubernetes-1-34-jammy" deploys Kubernetes 1\.34; remove cluster\.kubernetesVersion/,
      ),
    ]);
  });

  test('a template whose name states no version takes kubernetesVersion as written', () => {
    expect(cluster((m) => ((m.template = 'my-own-template'), (m.kubernetesVersion = '1.31.2')))().kubeVersion).toBe('v1.31.2');
  });
});

describe('rule: kubernetesVersion is required when no template name states the version', () => {
  test('with templateId (a UUID has no name to read) it is required, naming the field and how to find the version', () => {
    const withoutLine = errorLines(cluster((m) => (m.templateId = UUID))).map((l) => l.replace(/^([^:]+):\d+:/, '$1:'));
    expect(withoutLine).toEqual([
      `clusters/shared.yaml: magnum.kubernetesVersion: is required with magnum.templateId: a template given by UUID has no name to read the Kubernetes version from; set magnum.kubernetesVersion to the version the template deploys (openstack coe cluster template show ${UUID} -c labels: kube_tag)`,
    ]);
  });

  test('with templateId the version is kubernetesVersion, whatever the (unused) template name says', () => {
    const c = cluster((m) => ((m.templateId = UUID), (m.template = 'kubernetes-1-33-jammy'), (m.kubernetesVersion = 'v1.32')))();
    expect(c.magnum.template).toEqual({ id: UUID });
    expect(c.kubeVersion).toBe('v1.32.0');
  });

  test('a template name that states no version needs kubernetesVersion', () => {
    expect(errorLines(cluster((m) => (m.template = 'my-own-template')))).toEqual([
      expect.stringMatching(
        /^clusters\/shared\.yaml(:\d+)?: magnum\.kubernetesVersion: is required: the name of the cluster template "my-own-template" does not state its Kubernetes version \(as "kubernetes-1-33-jammy" does\); set magnum\.kubernetesVersion to the version it deploys/,
      ),
    ]);
  });
});

describe('rule: changing the template changes only the template lookup of the stack (an in-place upgrade, not a new cluster)', () => {
  /** Paths of the leaves where two JSON values differ. */
  const differences = (a: unknown, b: unknown, at = ''): string[] => {
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      return [...keys].flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
  };

  test('kubernetes-1-33-jammy -> kubernetes-1-34-jammy differs only in the name the template is looked up by', () => {
    const before = synthHub(variantHub((h) => delete h.cluster.kubernetesVersion));
    const after = synthHub(variantHub((h) => ((h.cluster.template = 'kubernetes-1-34-jammy'), delete h.cluster.kubernetesVersion)));
    const diff = differences(before, after);
    expect(diff).toHaveLength(1);
    expect(diff[0]).toMatch(/^data\.openstack_containerinfra_clustertemplate_v1\.[^.]+\.name$/);
    // The cluster refers to the lookup, so its cluster_template_id changes (in place) and nothing else of it.
    const clusters = Object.values(after.resource.openstack_containerinfra_cluster_v1) as Array<Record<string, unknown>>;
    expect(clusters.map((c) => c.cluster_template_id)).toEqual([expect.stringMatching(/^\$\{data\.openstack_containerinfra_clustertemplate_v1\.[^.]+\.id\}$/)]);
  });
});

describe('rule: a rolling upgrade goes up by at most one minor version (kubeadm), which Magnum does not check', () => {
  test('property: the step from a.b to c.d is possible exactly when c = a and d is b or b + 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 40 }), (a, b, c, d) => {
        const problem = inPlaceUpgradeProblem(`${a}.${b}`, `${c}.${d}`);
        expect(problem === undefined).toBe(c === a && (d === b || d === b + 1));
      }),
    );
  });

  test('each problem names what is wrong, with the versions skipped', () => {
    expect(inPlaceUpgradeProblem('1.31', '1.34')).toBe('skips Kubernetes 1.32, 1.33 (1.31 -> 1.34): Kubernetes upgrades one minor version at a time');
    expect(inPlaceUpgradeProblem('1.34', '1.33')).toBe('is a downgrade (1.34 -> 1.33): Kubernetes clusters are never downgraded');
    expect(inPlaceUpgradeProblem('1.34', '2.0')).toBe('changes the major version (1.34 -> 2.0), which no rolling upgrade does');
  });

  test('property: the template of another minor version keeps the naming, and states that version', () => {
    const names = fc.tuple(fc.constantFrom('kubernetes-', 'k8s-', 'K8S_', 'kubernetes-v'), fc.integer({ min: 1, max: 3 }), fc.constantFrom('-', '.', '_'), fc.integer({ min: 0, max: 99 }), fc.constantFrom('', '-jammy', '-noble-2025')).map(([p, ma, sep, mi, s]) => `${p}${ma}${sep}${mi}${s}`);
    fc.assert(
      fc.property(names, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 99 }), (name, major, minor) => {
        const other = templateNameFor(name, `${major}.${minor}`)!;
        expect(templateKubernetesMinor(other)).toBe(`${major}.${minor}`);
        expect(templateNameFor(other, templateKubernetesMinor(name)!)).toBe(name);
      }),
    );
    expect(templateNameFor('kubernetes-1-33-jammy', '1.34')).toBe('kubernetes-1-34-jammy');
    expect(templateNameFor('my-template', '1.34')).toBeUndefined();
  });
});
