/**
 * Rule (issue 19, smaller items): an object's identity (API group, kind, namespace, name) is
 * defined once, in `k8s/object-identity.ts`; the preflight, the change plan and the prune all
 * key objects with it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { apiGroup, identityKey, objectIdentity } from '../../k8s/object-identity';

const ROOT = path.resolve(__dirname, '..', '..');

test('rule: the version is not part of the identity; group, kind, namespace and name are', () => {
  const hpa = { kind: 'HorizontalPodAutoscaler', namespace: 'hub', name: 'x' };
  expect(objectIdentity({ apiVersion: 'autoscaling/v1', ...hpa })).toBe(objectIdentity({ apiVersion: 'autoscaling/v2', ...hpa }));
  expect(objectIdentity({ apiVersion: 'v1', kind: 'Service', namespace: 'a', name: 'x' })).not.toBe(objectIdentity({ apiVersion: 'v1', kind: 'Service', namespace: 'b', name: 'x' }));
  expect(objectIdentity({ apiVersion: 'v1', kind: 'Service', name: 'x' })).not.toBe(objectIdentity({ apiVersion: 'example.test/v1', kind: 'Service', name: 'x' }));
  expect(apiGroup('v1')).toBe('');
  expect(apiGroup('rbac.authorization.k8s.io/v1')).toBe('rbac.authorization.k8s.io');
});

test('rule: names holding "/" or ":" never make two identities one', () => {
  expect(identityKey('', 'ConfigMap', 'a/b', 'c')).not.toBe(identityKey('', 'ConfigMap', 'a', 'b/c'));
  expect(identityKey('rbac.authorization.k8s.io', 'ClusterRole', undefined, 'system:a')).not.toBe(identityKey('rbac.authorization.k8s.io', 'ClusterRole', 'system', 'a'));
});

test('rule: no other source file defines the API group or the identity of an object', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name).split(path.sep).join('/');
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && rel !== 'k8s/object-identity.ts') {
        const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
        if (/function (apiGroup|objectIdentity|identityKey)\b|apiVersion\.slice\(0,/.test(text)) offenders.push(rel);
      }
    }
  };
  for (const d of ['base', 'model', 'project', 'infra', 'k8s', 'synth', 'cli']) walk(d);
  expect(offenders).toEqual([]);
});
