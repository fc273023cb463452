/**
 * Hubs people can log in to, and no placeholder left in a file (issue 18, item 8;
 * model/login-rules.ts): warnings of `validateProject` (so of `jhm validate` and `jhm synth`)
 * naming the file and the field, on projects on disk.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatDiagnostic } from '../../model/diagnostics';
import { isPlaceholder, PLACEHOLDERS } from '../../model/placeholders';
import { validateProject } from '../../project/validate';
import { clusterInput, EXAMPLE_HUB_TEXT, hubOnInput, projectWith } from './cluster-fixtures';

const warningLines = (root: string, names?: string[]) => validateProject(root, names).warnings.map(formatDiagnostic);
const REPO = path.join(__dirname, '..', '..');
const repoFile = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');

test('rule: a GitHub-login hub with no admin, no allowed user and no allowed organization is a warning naming the file and jupyterhub.auth', () => {
  const root = projectWith({ clusters: { shared: clusterInput() }, hubs: { 'course-a': hubOnInput('shared', (h) => (h.jupyterhub.auth.adminUsers = [])) } });
  expect(warningLines(root)).toEqual([
    'hubs/course-a.yaml: jupyterhub.auth: nobody can log in to this hub: GitHub login with no admin, no allowed user and no allowed organization (add your GitHub user to adminUsers, or an organization to allowedOrganizations)',
  ]);
  // Named by the hub or by its cluster, the same warning.
  expect(warningLines(root, ['course-a'])).toHaveLength(1);
  expect(warningLines(root, ['shared'])).toHaveLength(1);
});

test.each([
  ['adminUsers', { adminUsers: ['instructor'] }],
  ['allowedUsers', { adminUsers: [], allowedUsers: ['student'] }],
  ['allowedOrganizations', { adminUsers: [], allowedOrganizations: ['physics-dept'] }],
])('rule: one entry in %s is enough for somebody to log in (no warning)', (_key, auth) => {
  const root = projectWith({ clusters: { shared: clusterInput() }, hubs: { 'course-a': hubOnInput('shared', (h) => Object.assign(h.jupyterhub.auth, auth)) } });
  expect(warningLines(root)).toEqual([]);
});

test('rule: placeholder values in a hub file and a cluster file are warnings naming the file and the field', () => {
  const root = projectWith({
    clusters: { shared: clusterInput((c) => (c.magnum.keypair = 'set-me-keypair')) },
    hubs: {
      'course-a': hubOnInput('shared', (h) => Object.assign(h.jupyterhub.auth, { clientId: 'set-me-github-client-id', adminUsers: ['your-github-user'], allowedOrganizations: ['<org>'] })),
      example: EXAMPLE_HUB_TEXT.replace('letsEncrypt:\n  email: hub-admins@example.org', 'letsEncrypt:\n  email: changeme@example.org'),
    },
  });
  const fix = '(set the real value before deploying)';
  expect(warningLines(root)).toEqual([
    `clusters/shared.yaml: magnum.keypair: "set-me-keypair" is a placeholder, not a real value ${fix}`,
    `hubs/example.yaml: letsEncrypt.email: "changeme@example.org" is a placeholder, not a real value ${fix}`,
    `hubs/course-a.yaml: jupyterhub.auth.clientId: "set-me-github-client-id" is a placeholder, not a real value ${fix}`,
    `hubs/course-a.yaml: jupyterhub.auth.adminUsers[0]: "your-github-user" is a placeholder, not a real value ${fix}`,
    `hubs/course-a.yaml: jupyterhub.auth.allowedOrganizations[0]: "<org>" is a placeholder, not a real value ${fix}`,
  ]);
  // Only the named files' warnings: the legacy hub alone has its own.
  expect(warningLines(root, ['example'])).toEqual([`hubs/example.yaml: letsEncrypt.email: "changeme@example.org" is a placeholder, not a real value ${fix}`]);
});

test("rule: the repository's example hubs and cluster file carry no placeholder and let somebody log in (the README's first commands warn about nothing)", () => {
  const root = projectWith({
    clusters: { shared: repoFile('clusters/shared.yaml') },
    hubs: { example: repoFile('hubs/example.yaml'), 'course-a': repoFile('hubs/course-a.yaml'), 'course-b': repoFile('hubs/course-b.yaml') },
  });
  expect(warningLines(root)).toEqual([]);
});

test('rule: what counts as a placeholder is one list, matched case-insensitively at the start of the value', () => {
  for (const p of ['set-me-github-client-id', 'SET_ME', 'setme', 'changeme', 'change-me-please', 'replace-me', 'fill-me-in', 'TODO', 'todo: the id', 'FIXME', 'xxx', 'XXXXXX', '<client id>', 'your-github-user', ' set-me ']) {
    expect({ p, placeholder: isPlaceholder(p) }).toEqual({ p, placeholder: true });
  }
  for (const real of ['Iv1.0123456789abcdef', 'Ov23liAbCdEfGhIjKlMn', 'jupyter-ctrl-k8s', 'settings-bot', 'changelog-team', 'todos-app', 'xx', 'zonca', 'hub-admins@example.org', 'ees220002.projects.jetstream-cloud.org.']) {
    expect({ real, placeholder: isPlaceholder(real) }).toEqual({ real, placeholder: false });
  }
  expect(PLACEHOLDERS.length).toBeGreaterThan(0);
});
