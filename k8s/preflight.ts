/**
 * Preflight of one cluster's manifests: the objects of its `dist/<cluster>/` and
 * `dist-secrets/<cluster>/` files, checked for what a cluster would reveal only at run time
 * (issue 12, item 5). Pure: file texts in, findings out; `synth/manifest-check.ts` reads the
 * folders on disk and `synth` checks its files before it stages them. The rules:
 *
 * - `identity`: no two objects share an identity (API group, kind, namespace, name). The
 *   Namespaces `dist-secrets/` repeats from `dist/` (so that folder applies on its own) are not a clash.
 * - `namespace`: every namespace used (by an object or an RBAC subject) is created by a Namespace in
 *   the output, or is one the cluster has (`BUILTIN_NAMESPACES`).
 * - `crd`: every object of an API group the cluster does not serve itself (`BUILTIN_API_GROUPS`)
 *   has its CustomResourceDefinition, serving the object's version, in the output.
 * - `service-selector`: every Service selector matches a pod template in its namespace (or pods a
 *   named controller makes, `CONTROLLER_PODS`), and every named target port is a container port
 *   (name and protocol; of a container or sidecar) of the pods it selects (when they declare ports
 *   at all: a pod template listing none, like the test charts' stand-ins, says nothing about its
 *   port names and is not held against the Service).
 * - `ingress`: an Ingress's class is an IngressClass of the output; each backend's Service is in
 *   its namespace with the port named; a TLS Secret exists or cert-manager makes it (issuer
 *   annotation), and the issuer it names exists.
 * - `pod-reference`: every ServiceAccount, ConfigMap, Secret and PersistentVolumeClaim a pod
 *   template uses (volumes, env, envFrom, imagePullSecrets; `optional` ones excepted) is in the
 *   output or made by a named controller (`PER_NAMESPACE_OBJECTS`, cert-manager, volumeClaimTemplates).
 * - `binding`: every RoleBinding and ClusterRoleBinding names an existing role (in the output, or
 *   the API server's own, `BUILTIN_CLUSTER_ROLES`, `BUILTIN_ROLES`) and existing ServiceAccounts.
 * - `webhook`: every Service the API server calls (admission webhooks, APIServices, CRD conversion
 *   webhooks) is in the output with the port called (443 when none is given).
 * - `scope`: every object of a namespaced kind names its namespace (`kubectl apply` would put one
 *   without into the current context's namespace); which kinds are cluster-scoped comes from
 *   `k8s/helm/scope.ts` and the output's CRDs.
 * - `storage`: a PersistentVolumeClaim that names its volume (`volumeName`) binds a PersistentVolume
 *   of the output that allows its access modes and claims no other claim; an NFS PersistentVolume
 *   whose server is a Service of the cluster (`<service>.<namespace>.svc…`) has that Service, with
 *   the NFS port 2049; the user servers of a hub with static storage (z2jh's
 *   `singleuser.storage.static.pvcName` in the ConfigMap of the hub's values, `readable-values.ts`)
 *   mount a claim of the output in the hub's namespace. Shared home directories rest on all three
 *   (`k8s/jupyterhub/home-nfs.ts`).
 * - `kustomization`: the folder's `kustomization.yaml` (`k8s/kustomization.ts`), when there, is
 *   jhm's: a Kustomization whose `resources:` list exactly the folder's manifest files, in
 *   apply-wave order, each a file of the folder, and nothing else. It is no manifest
 *   (`isManifestFile`): its text is read by this rule only.
 * - `parse`: every document is YAML and a Kubernetes object (apiVersion, kind, metadata.name). Only
 *   what the rules read is parsed: of a kind no rule looks into (`READ_IN_FULL`) the identity, of a
 *   CRD all but its schemas; a syntax error elsewhere is left to kubectl.
 *
 * Secret references are checked only when the Secrets are there (`files.secrets` given).
 * `synth` gives the objects it serialized too (`files.objects`): they are used as they are, and the
 * text only gives each document's line, so a synth parses no YAML for its check.
 * Each finding is one line: file (and line of the object's document), kind, namespace/name, and
 * the missing piece. Each file is parsed once, each object indexed in one pass.
 */
import { LineCounter, parse as parseYaml, parseAllDocuments, parseDocument } from 'yaml';
import type { Diagnostic } from '../model/diagnostics';
import { isDnsLabel } from '../model/dns';
import { UserError, UserErrors } from '../model/errors';
import { OUTPUT_DIRS } from '../project/layout';
import { ScopeTable } from './helm/scope';
import { expectedResources, isManifestFile, KUSTOMIZATION_API_VERSION, KUSTOMIZATION_FILE, KUSTOMIZATION_KIND } from './kustomization';
import { apiGroup, identityKey } from './object-identity';
import { WAVES } from './waves';
import { HUB_VALUES_CONFIGMAP, VALUES_KEY } from './jupyterhub/readable-values';

/** The rules, by the name their tests carry. */
export type PreflightRule = 'parse' | 'kustomization' | 'identity' | 'namespace' | 'scope' | 'crd' | 'service-selector' | 'ingress' | 'pod-reference' | 'binding' | 'webhook' | 'storage';

/** One problem: an error diagnostic (file, line, `Kind namespace/name` as the field, the missing piece) and its rule. */
export interface Finding extends Diagnostic {
  readonly severity: 'error';
  readonly rule: PreflightRule;
}

/** The files of one cluster: file name (relative to its folder, `/`-separated) → YAML text. */
export interface PreflightFiles {
  /** `dist/<cluster>/`: its manifest files (`isManifestFile`), and its kustomization when there. */
  readonly dist: ReadonlyMap<string, string>;
  /** `dist-secrets/<cluster>/`; undefined when the Secrets are not at hand (Secret references are then not checked). */
  readonly secrets?: ReadonlyMap<string, string>;
  /**
   * The objects of each file, in the order of its documents, when the caller has them (synth,
   * which serialized them): used instead of parsing the text. A file whose documents do not match
   * its objects in number is parsed.
   */
  readonly objects?: { readonly dist?: ReadonlyMap<string, readonly unknown[]>; readonly secrets?: ReadonlyMap<string, readonly unknown[]> };
}

/** How findings name the files: the folders' paths, e.g. `dist/example` and `dist-secrets/example`. */
export interface PreflightContext {
  readonly distDir: string;
  readonly secretsDir: string;
}

// ---------------------------------------------------------------------------------------------
// What the cluster has without the output: one table each, every entry naming who makes it.

/** Namespaces every cluster has. */
export const BUILTIN_NAMESPACES: ReadonlyMap<string, string> = new Map([
  ['default', 'the API server'],
  ['kube-system', 'the API server'],
  ['kube-public', 'the API server'],
  ['kube-node-lease', 'the API server'],
]);

/** API groups the API server serves itself (no CRD needed); '' is the core group. */
export const BUILTIN_API_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

const RBAC_BOOTSTRAP = "the API server's RBAC bootstrap";

/** ClusterRoles the API server creates (user-facing ones, and every `system:` role, by prefix). */
export const BUILTIN_CLUSTER_ROLES: ReadonlyMap<string, string> = new Map([
  ['cluster-admin', RBAC_BOOTSTRAP],
  ['admin', RBAC_BOOTSTRAP],
  ['edit', RBAC_BOOTSTRAP],
  ['view', RBAC_BOOTSTRAP],
  ['system:*', RBAC_BOOTSTRAP],
]);

/** Roles the API server creates, as `namespace/name`. */
export const BUILTIN_ROLES: ReadonlyMap<string, string> = new Map([
  ['kube-system/extension-apiserver-authentication-reader', RBAC_BOOTSTRAP],
  ['kube-system/system::leader-locking-kube-controller-manager', RBAC_BOOTSTRAP],
  ['kube-system/system::leader-locking-kube-scheduler', RBAC_BOOTSTRAP],
  ['kube-system/system:controller:bootstrap-signer', RBAC_BOOTSTRAP],
  ['kube-system/system:controller:cloud-provider', RBAC_BOOTSTRAP],
  ['kube-system/system:controller:token-cleaner', RBAC_BOOTSTRAP],
  ['kube-public/system:controller:bootstrap-signer', RBAC_BOOTSTRAP],
]);

/** Objects of every namespace, as `Kind/name`. */
export const PER_NAMESPACE_OBJECTS: ReadonlyMap<string, string> = new Map([
  ['ServiceAccount/default', "kube-controller-manager's ServiceAccount controller"],
  ['ConfigMap/kube-root-ca.crt', "kube-controller-manager's root CA publisher"],
]);

/**
 * Pods a controller outside the output makes, by the labels that name them: a Service whose
 * selector has these labels matches them (their other labels, e.g. KubeSpawner's app, release and
 * chart, come from the controller's configuration).
 */
export const CONTROLLER_PODS: ReadonlyArray<{ readonly labels: Readonly<Record<string, string>>; readonly by: string }> = [
  { labels: { component: 'singleuser-server' }, by: "JupyterHub's KubeSpawner (the users' servers)" },
];

/** Annotations on an Ingress that make cert-manager (ingress-shim) create its TLS Secrets, with the issuer kind each names. */
const CERT_MANAGER_ANNOTATIONS: ReadonlyArray<readonly [string, string]> = [
  ['cert-manager.io/cluster-issuer', 'ClusterIssuer'],
  ['cert-manager.io/issuer', 'Issuer'],
];
const CERT_MANAGER_GROUP = 'cert-manager.io';

// ---------------------------------------------------------------------------------------------
// Reading the files.

type Json = Record<string, unknown>;

/** One object of the output, where it is. */
interface Located {
  readonly o: Json;
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly name: string;
  readonly namespace?: string;
  /** `dist` or `secrets`. */
  readonly folder: 'dist' | 'secrets';
  /** The file as findings name it (folder path and file name). */
  readonly file: string;
  /** 1-based line of the object's document. */
  readonly line: number;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Json => (isObj(v) ? v : {});

/** A document's text and the line it starts on. */
interface DocText {
  readonly text: string;
  readonly line: number;
}

/**
 * The documents of a multi-document file, split at `---` lines (a `---` at column 0 is always a
 * document marker in block YAML); undefined when the text uses what this split does not handle
 * (directives, `...` end markers, content after `---`): the whole file is then parsed as one stream.
 */
function splitDocuments(text: string): DocText[] | undefined {
  if (/^(%|\.\.\.(\s|$))/m.test(text)) return undefined;
  const docs: DocText[] = [];
  let docStart = 0;
  let docLine = 1;
  let line = 1;
  for (let pos = 0; ; line++) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    if (text.startsWith('---', pos) && (end === pos + 3 || /\s/.test(text[pos + 3]))) {
      if (!/^\s*(#.*)?$/.test(text.slice(pos + 3, end))) return undefined;
      docs.push({ text: text.slice(docStart, pos), line: docLine });
      docStart = end + 1;
      docLine = line + 1;
    }
    if (nl === -1) break;
    pos = nl + 1;
  }
  docs.push({ text: text.slice(docStart), line: docLine });
  return docs;
}

/**
 * A CRD's document without the values of its `openAPIV3Schema` keys (most of its bytes, never
 * read by a rule): the key's line is kept, every following line indented deeper (blank lines and
 * comments too) is dropped, which in block YAML is exactly that key's value. When the cut text
 * does not parse (e.g. an alias into the cut), the whole document is parsed instead.
 */
export function withoutCrdSchemas(text: string): string {
  if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(text) || !text.includes('openAPIV3Schema:')) return text;
  const lines = text.split('\n');
  const out: string[] = [];
  let cutIndent = -1;
  for (const l of lines) {
    if (cutIndent >= 0) {
      const content = l.trimStart();
      if (content === '' || content.startsWith('#') || l.length - content.length > cutIndent) continue;
      cutIndent = -1;
    }
    out.push(l);
    const m = /^( *)openAPIV3Schema:\s*$/.exec(l);
    if (m) cutIndent = m[1].length;
  }
  return out.join('\n');
}

/** Parsed documents by text, shared by the clusters of one run (most of the platform's documents are alike). */
const parsedMemo = new Map<string, { value: unknown; error?: string; errorLine?: number }>();
const MEMO_MAX_ENTRIES = 20_000;

/**
 * Kinds whose body a rule reads: the documents of every other kind (ClusterRoles, NetworkPolicies,
 * webhooks, ...) are read for their identity only (`identityOnly`), which halves the time of a check.
 */
const READ_IN_FULL: ReadonlySet<string> = new Set([
  'Service',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ConfigMap',
  'Ingress',
  'RoleBinding',
  'ClusterRoleBinding',
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'ReplicationController',
  'ConfigMap',
  'Secret',
  'CustomResourceDefinition',
  'Certificate',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
]);

/**
 * The top-level `apiVersion`, `kind` and `metadata` of a document in block YAML: every line of
 * another top-level key (a line at column 0) is dropped with the lines indented under it, which
 * in block YAML are exactly that key's value.
 */
export function identityOnly(text: string): string {
  const out: string[] = [];
  let keep = true;
  for (const l of text.split('\n')) {
    if (/^[^\s#]/.test(l)) keep = /^(apiVersion|kind|metadata)\s*:/.test(l);
    if (keep) out.push(l);
  }
  // Ended by a line break: a kept line of CRLF text ends in a carriage return, which the YAML parser
  // would read as part of the value when nothing follows it.
  return `${out.join('\n')}\n`;
}

function parseDoc(text: string): { value: unknown; error?: string; errorLine?: number } {
  let r = parsedMemo.get(text);
  if (r) return r;
  const kind = /^kind:[ \t]*["']?([A-Za-z0-9]+)["']?[ \t]*(#.*)?$/m.exec(text)?.[1];
  if (kind !== undefined && !READ_IN_FULL.has(kind)) {
    r = tryParse(identityOnly(text));
    const o = r.value;
    // Anything unexpected (an alias into a dropped part, no mapping, another kind): the whole document.
    if (r.error !== undefined || !isObj(o) || o.kind !== kind || !isObj(o.metadata)) r = undefined;
  } else {
    const cut = withoutCrdSchemas(text);
    r = cut !== text ? tryParse(cut) : undefined;
    if (r !== undefined && r.error !== undefined) r = undefined;
  }
  r ??= tryParse(text);
  if (parsedMemo.size >= MEMO_MAX_ENTRIES) parsedMemo.clear();
  parsedMemo.set(text, r);
  return r;
}

function tryParse(text: string): { value: unknown; error?: string; errorLine?: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return { value: undefined, error: errorText(e.message), errorLine: lineCounter.linePos(e.pos[0]).line };
  }
  return { value: doc.toJS({ maxAliasCount: -1 }) };
}

/** The first line of a YAML error, without its position (counted in the text parsed, which may be one document: the finding names the line in the file). */
const errorText = (message: string): string => message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');

/** Line breaks in `text` before `end`. */
function lineBreaks(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The objects of one file, or findings for documents that are not objects. */
function readFile(text: string, file: string, folder: 'dist' | 'secrets', objects: Located[], findings: Finding[], given?: readonly unknown[]): void {
  const docs = splitDocuments(text);
  // `line`: the document's first line of content (not its `---` or leading comments), whichever way it is read.
  const parsed: Array<{ value: unknown; line: number; error?: string; errorLine?: number }> = [];
  const withContent = docs
    ?.map((d) => ({ d, content: /^[ \t]*[^#\s]/m.exec(d.text) }))
    .filter((c) => c.content !== null)
    .map(({ d, content }) => ({ ...d, contentLine: d.line + lineBreaks(d.text, content!.index) }));
  if (given && withContent && withContent.length === given.length) {
    given.forEach((value, i) => parsed.push({ value, line: withContent[i].contentLine }));
  } else if (withContent) {
    for (const d of withContent) {
      const r = parseDoc(d.text);
      // A parse error's line is counted in the document's text.
      parsed.push({ ...r, line: d.contentLine, ...(r.errorLine !== undefined ? { errorLine: d.line + r.errorLine - 1 } : {}) });
    }
  } else {
    const lineCounter = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter, uniqueKeys: false })) {
      const line = lineCounter.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
      if (doc.errors.length > 0) parsed.push({ value: undefined, line, error: errorText(doc.errors[0].message), errorLine: lineCounter.linePos(doc.errors[0].pos[0]).line });
      else parsed.push({ value: doc.toJS({ maxAliasCount: -1 }), line });
    }
  }
  for (const p of parsed) {
    if (p.error !== undefined) {
      findings.push(finding('parse', file, p.errorLine ?? p.line, undefined, `not YAML: ${p.error}`, 'correct the YAML syntax, or run jhm synth to write the file again'));
      continue;
    }
    if (p.value === null || p.value === undefined) continue;
    const o = p.value;
    const apiVersion = isObj(o) ? str(o.apiVersion) : undefined;
    const kind = isObj(o) ? str(o.kind) : undefined;
    const name = isObj(o) ? str(obj(o.metadata).name) : undefined;
    if (!isObj(o) || apiVersion === undefined || kind === undefined || name === undefined) {
      const missing = !isObj(o) ? 'a mapping' : [apiVersion ? '' : 'apiVersion', kind ? '' : 'kind', name ? '' : 'metadata.name'].filter(Boolean).join(', ');
      findings.push(finding('parse', file, p.line, undefined, `document is not a Kubernetes object: it lacks ${missing}`, 'give every document apiVersion, kind and metadata.name'));
      continue;
    }
    objects.push({
      o,
      kind,
      group: apiGroup(apiVersion),
      version: apiVersion.slice(apiVersion.lastIndexOf('/') + 1),
      name,
      namespace: str(obj(o.metadata).namespace),
      folder,
      file,
      line: p.line,
    });
  }
}

function finding(rule: PreflightRule, file: string, line: number | undefined, what: Located | undefined, message: string, fix: string): Finding {
  return {
    severity: 'error',
    rule,
    file,
    ...(line !== undefined ? { line } : {}),
    ...(what ? { field: describe(what) } : {}),
    message,
    fix,
  };
}

/** `Kind namespace/name` (cluster-scoped: `Kind name`). */
function describe(x: Located): string {
  return `${x.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.name}`;
}

// ---------------------------------------------------------------------------------------------
// The index.

/** A pod template of a workload: the labels its pods get and their spec. */
interface Template {
  readonly owner: Located;
  readonly labels: Readonly<Record<string, unknown>>;
  readonly spec: Json;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

function templateOf(x: Located): Template | undefined {
  const spec = obj(x.o.spec);
  if (x.group === '' && x.kind === 'Pod') return { owner: x, labels: obj(obj(x.o.metadata).labels), spec };
  let t: unknown;
  if (WORKLOAD_KINDS.has(x.kind) && (x.group === 'apps' || x.group === 'batch' || x.group === '')) t = spec.template;
  else if (x.kind === 'CronJob' && x.group === 'batch') t = obj(obj(spec.jobTemplate).spec).template;
  if (!isObj(t)) return undefined;
  return { owner: x, labels: obj(obj(t.metadata).labels), spec: obj(t.spec) };
}

interface Index {
  readonly objects: readonly Located[];
  /** Objects by identity (the first of each). */
  readonly byKey: ReadonlyMap<string, Located>;
  /** Namespaces created by `dist/` (what its objects may use), and by either folder (what a Secret may use). */
  readonly namespaces: { readonly dist: ReadonlySet<string>; readonly all: ReadonlySet<string> };
  /** CRDs by `group/kind`. */
  readonly crds: ReadonlyMap<string, Located>;
  readonly templates: ReadonlyMap<string, Template[]>;
  /** What a controller makes from objects of the output: identity key → who. */
  readonly made: ReadonlyMap<string, string>;
  /** Which kinds are cluster-scoped (the built-in ones and the output's CRDs). */
  readonly scopes: ScopeTable;
}

/** Which kinds are cluster-scoped: the built-in ones and those of the output's CRDs. */
function scopesOf(objects: readonly Located[]): ScopeTable {
  return new ScopeTable(objects.filter((x) => x.group === 'apiextensions.k8s.io' && x.kind === 'CustomResourceDefinition').map((x) => ({ apiVersion: `${x.group}/${x.version}`, kind: x.kind, metadata: { name: x.name }, spec: x.o.spec })));
}

function index(objects: readonly Located[], scopes: ScopeTable, findings: Finding[]): Index {
  const byKey = new Map<string, Located>();
  const namespaces = { dist: new Set<string>(), all: new Set<string>() };
  const crds = new Map<string, Located>();
  const templates = new Map<string, Template[]>();
  const made = new Map<string, string>();
  for (const x of objects) {
    // Rule identity: group, kind, namespace, name once (a Namespace may be repeated in dist-secrets/).
    const k = identityKey(x.group, x.kind, x.namespace, x.name);
    const first = byKey.get(k);
    if (first === undefined) byKey.set(k, x);
    else if (!(x.kind === 'Namespace' && x.group === '' && first.folder !== x.folder)) {
      findings.push(finding('identity', x.file, x.line, x, `has the identity (group, kind, namespace, name) of the object at ${first.file}:${first.line}`, 'remove the copy or rename one of them: the second apply overwrites the first'));
    }
    if (x.group === '' && x.kind === 'Namespace') {
      namespaces.all.add(x.name);
      if (x.folder === 'dist') namespaces.dist.add(x.name);
    }
    if (x.group === 'apiextensions.k8s.io' && x.kind === 'CustomResourceDefinition') {
      const spec = obj(x.o.spec);
      const group = str(spec.group);
      const kind = str(obj(spec.names).kind);
      if (group && kind) crds.set(`${group}/${kind}`, x);
    }
    const t = templateOf(x);
    if (t && x.namespace) {
      let list = templates.get(x.namespace);
      if (!list) templates.set(x.namespace, (list = []));
      list.push(t);
    }
    if (x.kind === 'StatefulSet' && x.group === 'apps') {
      for (const c of arr(obj(x.o.spec).volumeClaimTemplates)) {
        const n = str(obj(obj(c).metadata).name);
        if (n) made.set(`pvc-prefix\u0000${x.namespace ?? ''}\u0000${n}-${x.name}-`, `the StatefulSet controller (volumeClaimTemplates of ${describe(x)})`);
      }
    }
    if (x.kind === 'Ingress' && x.group === 'networking.k8s.io' && certManagerIssuer(x)) {
      for (const tls of arr(obj(x.o.spec).tls)) {
        const s = str(obj(tls).secretName);
        if (s) made.set(identityKey('', 'Secret', x.namespace, s), `cert-manager (for ${describe(x)})`);
      }
    }
    if (x.kind === 'Certificate' && x.group === CERT_MANAGER_GROUP) {
      const s = str(obj(x.o.spec).secretName);
      if (s) made.set(identityKey('', 'Secret', x.namespace, s), `cert-manager (for ${describe(x)})`);
    }
  }
  return { objects, byKey, namespaces, crds, templates, made, scopes };
}

function certManagerIssuer(x: Located): { group: string; kind: string; name: string; annotation: string } | undefined {
  const annotations = obj(obj(x.o.metadata).annotations);
  for (const [annotation, kind] of CERT_MANAGER_ANNOTATIONS) {
    const name = str(annotations[annotation]);
    // As cert-manager's ingress-shim reads them: issuer-kind and issuer-group (an external issuer) override the kind and group.
    if (name) return { group: str(annotations['cert-manager.io/issuer-group']) ?? CERT_MANAGER_GROUP, kind: str(annotations['cert-manager.io/issuer-kind']) ?? kind, name, annotation };
  }
  return undefined;
}

/** Who makes `kind namespace/name` when the output does not hold it: the controller, or undefined. */
function madeBy(ix: Index, group: string, kind: string, namespace: string | undefined, name: string): string | undefined {
  const fromOutput = ix.made.get(identityKey(group, kind, namespace, name));
  if (fromOutput) return fromOutput;
  if (namespace !== undefined && group === '') {
    const each = PER_NAMESPACE_OBJECTS.get(`${kind}/${name}`);
    if (each) return each;
  }
  if (kind === 'PersistentVolumeClaim') {
    const m = /^(.*-)\d+$/.exec(name);
    if (m) return ix.made.get(`pvc-prefix\u0000${namespace ?? ''}\u0000${m[1]}`);
  }
  return undefined;
}

function exists(ix: Index, group: string, kind: string, namespace: string | undefined, name: string): boolean {
  return ix.byKey.has(identityKey(group, kind, namespace, name)) || madeBy(ix, group, kind, namespace, name) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// The rules.

/** Every finding of the rules over one cluster's files, in file and document order per rule. */
export function preflight(files: PreflightFiles, context: PreflightContext): Finding[] {
  const findings: Finding[] = [];
  const read: Located[] = [];
  for (const [name, text] of files.dist) if (isManifestFile(name)) readFile(text, `${context.distDir}/${name}`, 'dist', read, findings, files.objects?.dist?.get(name));
  for (const [name, text] of files.secrets ?? []) if (isManifestFile(name)) readFile(text, `${context.secretsDir}/${name}`, 'secrets', read, findings, files.objects?.secrets?.get(name));
  const kustomization = files.dist.get(KUSTOMIZATION_FILE);
  if (kustomization !== undefined) kustomizationRule(kustomization, [...files.dist.keys()], `${context.distDir}/${KUSTOMIZATION_FILE}`, context.distDir, findings);
  // The API server (and kubectl) ignore the metadata.namespace of a cluster-scoped object: it is no namespace used, nor part of its identity.
  const scopes = scopesOf(read);
  const objects = read.map((x) => (x.namespace !== undefined && scopes.isClusterScoped({ apiVersion: `${x.group}/${x.version}`, kind: x.kind }) ? { ...x, namespace: undefined } : x));
  const ix = index(objects, scopes, findings);
  const secrets = files.secrets !== undefined;
  for (const x of objects) {
    namespaceRule(ix, x, findings);
    scopeRule(ix, x, findings);
    crdRule(ix, x, findings);
    webhookRule(ix, x, findings);
    if (x.group === '' && x.kind === 'Service') serviceRule(ix, x, findings);
    if (x.group === 'networking.k8s.io' && x.kind === 'Ingress') ingressRule(ix, x, secrets, findings);
    if (x.group === 'rbac.authorization.k8s.io' && (x.kind === 'RoleBinding' || x.kind === 'ClusterRoleBinding')) bindingRule(ix, x, findings);
    if (x.group === '' && (x.kind === 'PersistentVolumeClaim' || x.kind === 'PersistentVolume' || x.kind === 'ConfigMap')) storageRule(ix, x, findings);
    const t = templateOf(x);
    if (t) podRule(ix, t, secrets, findings);
  }
  return findings;
}

/**
 * The folder's kustomization (`text`, at `file`) against the files of the folder (`names`): a
 * Kustomization listing exactly its manifest files in apply-wave order, and nothing else.
 */
function kustomizationRule(text: string, names: readonly string[], file: string, folder: string, findings: Finding[]): void {
  const rewrite = 'run jhm synth, which writes it again';
  const add = (line: number | undefined, field: string | undefined, message: string, fix: string) =>
    findings.push({ severity: 'error', rule: 'kustomization', file, ...(line !== undefined ? { line } : {}), ...(field ? { field } : {}), message, fix });
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  if (doc.errors.length > 0) {
    add(lineCounter.linePos(doc.errors[0].pos[0]).line, undefined, `not YAML: ${errorText(doc.errors[0].message)}`, rewrite);
    return;
  }
  const data: unknown = doc.toJS({ maxAliasCount: -1 });
  if (!isObj(data) || data.apiVersion !== KUSTOMIZATION_API_VERSION || data.kind !== KUSTOMIZATION_KIND) {
    add(undefined, undefined, `is not a Kustomization (apiVersion ${KUSTOMIZATION_API_VERSION}, kind ${KUSTOMIZATION_KIND})`, rewrite);
    return;
  }
  const contents = doc.contents as { items?: Array<{ key: unknown; value: unknown }> } | null;
  const pairLine = (key: string) => lineOf(contents?.items?.find((p) => (p.key as { value?: unknown } | null)?.value === key)?.key);
  for (const key of Object.keys(data)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'resources') continue;
    add(pairLine(key), key, `jhm's kustomization lists the folder's files and nothing else: ${key} changes what kustomize builds from them`, `${rewrite}; put other settings in a kustomization of your own that lists ${folder} under resources`);
  }
  const resources = data.resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string')) {
    add(pairLine('resources'), 'resources', 'is not a list of file names', rewrite);
    return;
  }
  const items = ((doc.get('resources', true) as { items?: unknown[] } | undefined)?.items ?? []) as unknown[];
  const present = new Set(names);
  const { listed, unplaced } = expectedResources(names);
  const wanted = new Set(listed);
  resources.forEach((r, i) => {
    const line = lineOf(items[i]);
    if (!present.has(r)) add(line, `resources[${i}]`, `${r} is not a file of ${folder}`, rewrite);
    else if (!wanted.has(r)) add(line, `resources[${i}]`, `${r} is no manifest file jhm writes for the cluster`, rewrite);
    else if (resources.indexOf(r) !== i) add(line, `resources[${i}]`, `${r} is listed twice`, rewrite);
  });
  const missing = listed.filter((f) => !resources.includes(f));
  if (missing.length > 0) add(pairLine('resources'), 'resources', `leaves out ${missing.join(', ')}: kubectl apply -k, Flux and Argo CD would not apply ${missing.length === 1 ? 'it' : 'them'}`, rewrite);
  const inOrder = resources.filter((r) => wanted.has(r));
  const expectedOrder = listed.filter((f) => inOrder.includes(f));
  if (missing.length === 0 && inOrder.join('\n') !== expectedOrder.join('\n') && new Set(inOrder).size === inOrder.length) {
    add(pairLine('resources'), 'resources', `lists the files out of apply-wave order (${expectedOrder.join(', ')})`, rewrite);
  }
  for (const f of unplaced) {
    add(undefined, undefined, `${folder}/${f} is not in the kustomization (it lists the files jhm writes), so kubectl apply -k, Flux and Argo CD leave it out`, `move ${f} out of ${folder}, into a kustomization of your own that lists ${folder} under resources`);
  }
}

/** The NFS port the `storage` rule expects of an NFS server's Service. */
const NFS_PORT = 2049;
/**
 * The Service and namespace an NFS server's host names, when it is a Service's cluster DNS name
 * (`<service>.<namespace>.svc[.cluster.local][.]`), else `undefined`.
 */
function serviceOfHost(host: string): { service: string; namespace: string } | undefined {
  const [service, namespace, svc, ...rest] = host.replace(/\.$/, '').split('.');
  const suffix = rest.join('.');
  if (svc !== 'svc' || (suffix !== '' && suffix !== 'cluster.local')) return undefined;
  return isDnsLabel(service) && isDnsLabel(namespace) ? { service, namespace } : undefined;
}

function storageRule(ix: Index, x: Located, findings: Finding[]): void {
  const spec = obj(x.o.spec);
  if (x.kind === 'PersistentVolumeClaim') {
    const volumeName = str(spec.volumeName);
    if (volumeName === undefined) return;
    const pv = ix.byKey.get(identityKey('', 'PersistentVolume', undefined, volumeName));
    if (pv === undefined) {
      findings.push(finding('storage', x.file, x.line, x, `binds the PersistentVolume ${volumeName}, which is not in the output`, 'add the PersistentVolume, or name one of the output in spec.volumeName'));
      return;
    }
    const pvSpec = obj(pv.o.spec);
    const offered = new Set(arr(pvSpec.accessModes).map(str));
    const missing = arr(spec.accessModes).map(str).filter((m) => m !== undefined && !offered.has(m));
    if (missing.length > 0) findings.push(finding('storage', x.file, x.line, x, `asks for ${missing.join(', ')}, which the PersistentVolume ${volumeName} does not allow`, 'give both the same accessModes'));
    const claimRef = obj(pvSpec.claimRef);
    const [refName, refNamespace] = [str(claimRef.name), str(claimRef.namespace)];
    if (refName !== undefined && (refName !== x.name || refNamespace !== x.namespace)) {
      findings.push(finding('storage', x.file, x.line, x, `binds the PersistentVolume ${volumeName}, which is reserved for the claim ${refNamespace ?? ''}/${refName}`, 'give each claim its own PersistentVolume'));
    }
    return;
  }
  if (x.kind === 'PersistentVolume') {
    const server = str(obj(spec.nfs).server);
    const named = server === undefined ? undefined : serviceOfHost(server);
    if (named === undefined) return;
    const { service, namespace } = named;
    const svc = ix.byKey.get(identityKey('', 'Service', namespace, service));
    if (svc === undefined) {
      findings.push(finding('storage', x.file, x.line, x, `mounts the NFS server ${server}, but the Service ${namespace}/${service} is not in the output`, 'add the NFS server\'s release to the output, or name its Service'));
    } else if (!arr(obj(svc.o.spec).ports).some((p) => obj(p).port === NFS_PORT)) {
      findings.push(finding('storage', x.file, x.line, x, `mounts the NFS server ${server}, but the Service ${namespace}/${service} has no port ${NFS_PORT}`, `serve NFS on port ${NFS_PORT}`));
    }
    return;
  }
  // A hub's values (z2jh): with static storage, its user servers mount the claim pvcName.
  if (x.name !== HUB_VALUES_CONFIGMAP || x.namespace === undefined) return;
  const text = str(obj(x.o.data)[VALUES_KEY]);
  if (text === undefined) return;
  let storage: Json;
  try {
    storage = obj(obj(obj(parseYaml(text)).singleuser).storage);
  } catch {
    return; // Not YAML: the hub reports it when it starts; no rule here reads further.
  }
  if (storage.type !== 'static') return;
  const claim = str(obj(storage.static).pvcName);
  if (claim === undefined) {
    findings.push(finding('storage', x.file, x.line, x, 'gives the user servers static storage without a claim (singleuser.storage.static.pvcName)', 'name the claim they mount'));
  } else if (!exists(ix, '', 'PersistentVolumeClaim', x.namespace, claim)) {
    findings.push(finding('storage', x.file, x.line, x, `has the user servers mount the claim ${x.namespace}/${claim}, which is not in the output`, 'add the claim, or name one of the output'));
  }
}

function namespaceRule(ix: Index, x: Located, findings: Finding[]): void {
  const used = new Set<string>();
  if (x.namespace) used.add(x.namespace);
  // Only a ServiceAccount subject lives in a namespace (the namespace of a User or Group subject is ignored).
  if (x.group === 'rbac.authorization.k8s.io') for (const s of arr(x.o.subjects)) if (obj(s).kind === 'ServiceAccount' && str(obj(s).namespace)) used.add(obj(s).namespace as string);
  for (const ns of used) {
    if ((x.folder === 'dist' ? ix.namespaces.dist : ix.namespaces.all).has(ns) || BUILTIN_NAMESPACES.has(ns)) continue;
    findings.push(finding('namespace', x.file, x.line, x, `namespace ${ns} is not created by any Namespace in ${x.folder === 'dist' ? 'dist/ (which must apply without dist-secrets/)' : 'the output'}`, `add a Namespace ${ns} (${WAVES.namespaces.fileName}) or use an existing namespace`));
  }
}

function scopeRule(ix: Index, x: Located, findings: Finding[]): void {
  if (x.namespace !== undefined) return;
  // A custom resource without its CRD in the output has no known scope (the crd rule finds it).
  if (!BUILTIN_API_GROUPS.has(x.group) && !ix.crds.has(`${x.group}/${x.kind}`)) return;
  if (ix.scopes.isClusterScoped({ apiVersion: `${x.group}/${x.version}`, kind: x.kind })) return;
  findings.push(finding('scope', x.file, x.line, x, `${x.kind} is namespaced but metadata.namespace is not set: kubectl apply would put it in the namespace of the current context (usually default)`, 'set metadata.namespace'));
}

function crdRule(ix: Index, x: Located, findings: Finding[]): void {
  if (BUILTIN_API_GROUPS.has(x.group)) return;
  const crd = ix.crds.get(`${x.group}/${x.kind}`);
  if (!crd) {
    findings.push(finding('crd', x.file, x.line, x, `no CustomResourceDefinition for kind ${x.kind} of group ${x.group} in the output`, `add the CRD (${WAVES.crds.fileName}) or remove the custom resource`));
    return;
  }
  const versions = arr(obj(crd.o.spec).versions).map(obj);
  const served = versions.filter((v) => v.served !== false).map((v) => str(v.name));
  if (versions.length > 0 && !served.includes(x.version)) {
    findings.push(finding('crd', x.file, x.line, x, `CustomResourceDefinition ${crd.name} (${crd.file}) serves no version ${x.version} (served: ${served.join(', ') || 'none'})`, `use apiVersion ${x.group}/${served[0] ?? '<a served version>'}`));
  }
}

const labelsText = (labels: Json): string => Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`).join(',');

function matches(selector: Json, labels: Readonly<Record<string, unknown>>): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

function serviceRule(ix: Index, x: Located, findings: Finding[]): void {
  const spec = obj(x.o.spec);
  const selector = obj(spec.selector);
  if (spec.type === 'ExternalName' || Object.keys(selector).length === 0) return;
  const selected = (ix.templates.get(x.namespace ?? '') ?? []).filter((t) => matches(selector, t.labels));
  if (selected.length === 0) {
    if (CONTROLLER_PODS.some((p) => matches(p.labels, selector))) return;
    findings.push(finding('service-selector', x.file, x.line, x, `spec.selector ${labelsText(selector)} matches no pod template in namespace ${x.namespace ?? 'default'}`, 'make the selector match the labels of a workload in its namespace, or add the workload'));
    return;
  }
  // A named targetPort is looked up (name and protocol) in the containers' ports and in those of
  // sidecars (init containers with restartPolicy Always), not in those of other init containers.
  const portNames = new Set<string>();
  let declared = false;
  for (const t of selected) {
    for (const c of [...arr(t.spec.containers), ...arr(t.spec.initContainers).filter((i) => obj(i).restartPolicy === 'Always')]) {
      for (const p of arr(obj(c).ports).map(obj)) if (str(p.name)) portNames.add(`${p.name as string}/${str(p.protocol) ?? 'TCP'}`);
    }
    for (const c of [...arr(t.spec.containers), ...arr(t.spec.initContainers)]) if (arr(obj(c).ports).length > 0) declared = true;
  }
  // Pods that declare no port at all say nothing about their port names (the test charts' stand-ins).
  if (!declared) return;
  for (const p of arr(spec.ports).map(obj)) {
    const target = p.targetPort;
    const protocol = str(p.protocol) ?? 'TCP';
    if (typeof target === 'string' && !/^\d+$/.test(target) && !portNames.has(`${target}/${protocol}`)) {
      const owners = selected.map((t) => describe(t.owner)).join(', ');
      const named = `${protocol === 'TCP' ? '' : `${protocol} `}container port`;
      findings.push(finding('service-selector', x.file, x.line, x, `targetPort ${target} (port ${str(p.name) ?? String(p.port)}) is no named ${named} of the pods it selects (${owners})`, `name a ${named} ${target} in a container (or sidecar: init container with restartPolicy Always) of those pods, or use a port they define`));
    }
  }
}

function ingressRule(ix: Index, x: Located, secrets: boolean, findings: Finding[]): void {
  const spec = obj(x.o.spec);
  const ns = x.namespace;
  const cls = str(spec.ingressClassName);
  if (cls && !ix.byKey.has(identityKey('networking.k8s.io', 'IngressClass', undefined, cls))) {
    findings.push(finding('ingress', x.file, x.line, x, `spec.ingressClassName ${cls}: no IngressClass ${cls} in the output`, 'name the IngressClass the ingress controller of the output defines'));
  }
  const backends: Array<[string, Json]> = [];
  if (isObj(spec.defaultBackend)) backends.push(['spec.defaultBackend', spec.defaultBackend]);
  arr(spec.rules).forEach((r, i) => arr(obj(obj(r).http).paths).forEach((p, j) => backends.push([`spec.rules[${i}].http.paths[${j}].backend`, obj(obj(p).backend)])));
  for (const [field, b] of backends) {
    if (isObj(b.service)) {
      const name = str(b.service.name) ?? '';
      const svc = ix.byKey.get(identityKey('', 'Service', ns, name));
      if (!svc) {
        findings.push(finding('ingress', x.file, x.line, x, `${field}: Service ${name} is not in namespace ${ns ?? 'default'}`, 'name a Service of the output in the Ingress namespace'));
        continue;
      }
      const port = obj(b.service.port);
      const ports = arr(obj(svc.o.spec).ports).map(obj);
      const ok = port.number !== undefined ? ports.some((p) => p.port === port.number) : port.name !== undefined ? ports.some((p) => p.name === port.name) : false;
      if (!ok) {
        const wanted = port.number !== undefined ? `number ${String(port.number)}` : port.name !== undefined ? `name ${String(port.name)}` : '(none given)';
        findings.push(finding('ingress', x.file, x.line, x, `${field}: Service ${name} has no port ${wanted} (ports: ${ports.map((p) => str(p.name) ?? String(p.port)).join(', ') || 'none'})`, `use a port of Service ${name}`));
      }
    } else if (isObj(b.resource)) {
      const r = b.resource;
      const kind = str(r.kind) ?? '';
      const name = str(r.name) ?? '';
      if (!exists(ix, str(r.apiGroup) ?? '', kind, ns, name)) findings.push(finding('ingress', x.file, x.line, x, `${field}: resource ${kind} ${name} is not in namespace ${ns ?? 'default'}`, 'name an object of the output'));
    }
  }
  const issuer = certManagerIssuer(x);
  const clusterIssuer = issuer && (issuer.group === CERT_MANAGER_GROUP ? issuer.kind === 'ClusterIssuer' : ix.scopes.isClusterScoped({ apiVersion: `${issuer.group}/v1`, kind: issuer.kind }));
  if (issuer && !ix.byKey.has(identityKey(issuer.group, issuer.kind, clusterIssuer ? undefined : ns, issuer.name))) {
    const what = `${issuer.kind}${issuer.group === CERT_MANAGER_GROUP ? '' : ` (${issuer.group})`} ${issuer.name}`;
    findings.push(finding('ingress', x.file, x.line, x, `annotation ${issuer.annotation}: no ${what} in ${clusterIssuer ? 'the output' : `namespace ${ns ?? 'default'} of the output`}`, `name a ${issuer.kind} of the output (${WAVES.issuers.fileName})`));
  }
  if (secrets) {
    arr(spec.tls).forEach((t, i) => {
      const s = str(obj(t).secretName);
      if (s && !exists(ix, '', 'Secret', ns, s)) {
        findings.push(finding('ingress', x.file, x.line, x, `spec.tls[${i}].secretName: Secret ${s} is neither in the output nor made by cert-manager (no issuer annotation)`, 'add the Secret, or the annotation cert-manager.io/cluster-issuer naming a ClusterIssuer'));
      }
    });
  }
}

function bindingRule(ix: Index, x: Located, findings: Finding[]): void {
  const role = obj(x.o.roleRef);
  const roleKind = str(role.kind) ?? '';
  const roleName = str(role.name) ?? '';
  if (roleKind === 'ClusterRole') {
    const builtin = BUILTIN_CLUSTER_ROLES.has(roleName) || roleName.startsWith('system:');
    if (!builtin && !ix.byKey.has(identityKey('rbac.authorization.k8s.io', 'ClusterRole', undefined, roleName))) {
      findings.push(finding('binding', x.file, x.line, x, `roleRef: no ClusterRole ${roleName} in the output (nor one the API server creates)`, 'add the ClusterRole or name an existing one'));
    }
  } else if (roleKind === 'Role') {
    if (x.kind === 'ClusterRoleBinding') {
      findings.push(finding('binding', x.file, x.line, x, `roleRef: a ClusterRoleBinding cannot name Role ${roleName}`, 'name a ClusterRole, or use a RoleBinding'));
    } else if (!BUILTIN_ROLES.has(`${x.namespace ?? ''}/${roleName}`) && !ix.byKey.has(identityKey('rbac.authorization.k8s.io', 'Role', x.namespace, roleName))) {
      findings.push(finding('binding', x.file, x.line, x, `roleRef: no Role ${roleName} in namespace ${x.namespace ?? 'default'}`, 'add the Role in the binding namespace or name an existing one'));
    }
  } else {
    findings.push(finding('binding', x.file, x.line, x, `roleRef.kind ${roleKind || '(none)'} is neither Role nor ClusterRole`, 'set roleRef.kind to Role or ClusterRole'));
  }
  arr(x.o.subjects).forEach((s0, i) => {
    const s = obj(s0);
    if (s.kind !== 'ServiceAccount') return;
    const name = str(s.name) ?? '';
    const ns = str(s.namespace) ?? (x.kind === 'RoleBinding' ? x.namespace : undefined);
    if (ns === undefined) {
      findings.push(finding('binding', x.file, x.line, x, `subjects[${i}]: ServiceAccount ${name} has no namespace`, 'give the subject its namespace'));
    } else if (!exists(ix, '', 'ServiceAccount', ns, name)) {
      findings.push(finding('binding', x.file, x.line, x, `subjects[${i}]: ServiceAccount ${ns}/${name} is not in the output`, `add the ServiceAccount ${name} in namespace ${ns}, or name an existing one`));
    }
  });
}

/** The Services the API server calls for `x` (admission webhooks, an APIService, a CRD's conversion webhook), with where each is given. */
function calledServices(x: Located): Array<[string, Json]> {
  const services: Array<[string, Json]> = [];
  if (x.group === 'admissionregistration.k8s.io' && (x.kind === 'ValidatingWebhookConfiguration' || x.kind === 'MutatingWebhookConfiguration')) {
    arr(x.o.webhooks).forEach((w, i) => {
      const service = obj(obj(w).clientConfig).service;
      if (isObj(service)) services.push([`webhooks[${i}]${str(obj(w).name) ? ` (${obj(w).name as string})` : ''}.clientConfig.service`, service]);
    });
  } else if (x.group === 'apiregistration.k8s.io' && x.kind === 'APIService') {
    const service = obj(x.o.spec).service;
    if (isObj(service)) services.push(['spec.service', service]);
  } else if (x.group === 'apiextensions.k8s.io' && x.kind === 'CustomResourceDefinition') {
    const conversion = obj(obj(x.o.spec).conversion);
    const service = obj(obj(conversion.webhook).clientConfig).service ?? obj(conversion.webhookClientConfig).service;
    if (conversion.strategy === 'Webhook' && isObj(service)) services.push(['spec.conversion.webhook.clientConfig.service', service]);
  }
  return services;
}

function webhookRule(ix: Index, x: Located, findings: Finding[]): void {
  for (const [field, service] of calledServices(x)) {
    const name = str(service.name) ?? '';
    const ns = str(service.namespace) ?? '';
    const port = typeof service.port === 'number' ? service.port : 443;
    const svc = ix.byKey.get(identityKey('', 'Service', ns, name));
    if (!svc) {
      findings.push(finding('webhook', x.file, x.line, x, `${field}: Service ${ns}/${name} is not in the output, so the API server's calls fail`, 'name a Service of the output, or add the Service'));
      continue;
    }
    const ports = arr(obj(svc.o.spec).ports).map(obj);
    if (!ports.some((p) => p.port === port)) {
      findings.push(finding('webhook', x.file, x.line, x, `${field}: Service ${ns}/${name} has no port ${port}${typeof service.port === 'number' ? '' : ' (the default when none is given)'} (ports: ${ports.map((p) => String(p.port)).join(', ') || 'none'})`, `set the port to one of Service ${name}`));
    }
  }
}

function podRule(ix: Index, t: Template, secrets: boolean, findings: Finding[]): void {
  const x = t.owner;
  const ns = x.namespace;
  const spec = t.spec;
  const missing = (kind: string, name: string, where: string, dataKey?: string): void => {
    const object = ix.byKey.get(identityKey('', kind, ns, name));
    if (object) {
      if (dataKey === undefined) return;
      const data = kind === 'Secret' ? { ...obj(object.o.data), ...obj(object.o.stringData) } : { ...obj(object.o.data), ...obj(object.o.binaryData) };
      if (!(dataKey in data)) findings.push(finding('pod-reference', x.file, x.line, x, `${where}: ${kind} ${ns ?? 'default'}/${name} has no key ${dataKey}`, `add the key ${dataKey} to the ${kind}, or mark the reference optional`));
      return;
    }
    if (madeBy(ix, '', kind, ns, name) !== undefined) return;
    findings.push(finding('pod-reference', x.file, x.line, x, `${where}: ${kind} ${name} is not in namespace ${ns ?? 'default'} of the output, and no named controller makes it`, `add the ${kind} ${name}${kind === 'Secret' ? ' (dist-secrets/)' : ''}, or correct the reference`));
  };
  const check = (kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount', name: unknown, where: string, optional?: unknown, k?: unknown): void => {
    if (optional === true || typeof name !== 'string' || name === '') return;
    if (kind === 'Secret' && !secrets) return;
    missing(kind, name, where, typeof k === 'string' ? k : undefined);
  };

  // A volume of a ConfigMap or Secret: the object, and each key its items name (the kubelet fails the mount of a missing key unless optional).
  const withItems = (kind: 'ConfigMap' | 'Secret', source: Json, name: unknown, where: string): void => {
    check(kind, name, where, source.optional);
    if (typeof name !== 'string' || !ix.byKey.has(identityKey('', kind, ns, name))) return;
    arr(source.items).forEach((item, i) => check(kind, name, `${where} items[${i}]`, source.optional, obj(item).key));
  };

  check('ServiceAccount', str(spec.serviceAccountName) ?? str(spec.serviceAccount) ?? 'default', 'spec.serviceAccountName');
  arr(spec.imagePullSecrets).forEach((s, i) => check('Secret', obj(s).name, `imagePullSecrets[${i}]`));
  for (const v0 of arr(spec.volumes)) {
    const v = obj(v0);
    const where = `volume ${str(v.name) ?? '?'}`;
    if (isObj(v.configMap)) withItems('ConfigMap', v.configMap, v.configMap.name, where);
    if (isObj(v.secret)) withItems('Secret', v.secret, v.secret.secretName, where);
    if (isObj(v.persistentVolumeClaim)) check('PersistentVolumeClaim', v.persistentVolumeClaim.claimName, where);
    if (isObj(v.projected)) {
      for (const src of arr(v.projected.sources).map(obj)) {
        if (isObj(src.configMap)) withItems('ConfigMap', src.configMap, src.configMap.name, where);
        if (isObj(src.secret)) withItems('Secret', src.secret, src.secret.name, where);
      }
    }
  }
  for (const group of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    for (const c0 of arr(spec[group])) {
      const c = obj(c0);
      const where = `container ${str(c.name) ?? '?'}`;
      for (const e of arr(c.env).map(obj)) {
        const from = obj(e.valueFrom);
        const env = `${where} env ${str(e.name) ?? '?'}`;
        if (isObj(from.configMapKeyRef)) check('ConfigMap', from.configMapKeyRef.name, env, from.configMapKeyRef.optional, from.configMapKeyRef.key);
        if (isObj(from.secretKeyRef)) check('Secret', from.secretKeyRef.name, env, from.secretKeyRef.optional, from.secretKeyRef.key);
      }
      for (const e of arr(c.envFrom).map(obj)) {
        if (isObj(e.configMapRef)) check('ConfigMap', e.configMapRef.name, `${where} envFrom`, e.configMapRef.optional);
        if (isObj(e.secretRef)) check('Secret', e.secretRef.name, `${where} envFrom`, e.secretRef.optional);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// For callers.

/** How findings name a cluster's folders: `dist/<cluster>` and `dist-secrets/<cluster>`. */
export function clusterFolders(cluster: string): PreflightContext {
  return { distDir: `${OUTPUT_DIRS.dist}/${cluster}`, secretsDir: `${OUTPUT_DIRS.secrets}/${cluster}` };
}

/** A finding as a throwable one-line error. */
export function findingError(f: Finding): UserError {
  return new UserError(f.message, { file: f.file, line: f.line, field: f.field, fix: f.fix });
}

/** The preflight of one cluster's files (`files`, named as `dist/<cluster>/…`): throws `UserErrors`, one line per finding. */
export function assertPreflight(cluster: string, files: PreflightFiles): void {
  const findings = preflight(files, clusterFolders(cluster));
  if (findings.length > 0) throw new UserErrors(findings.map(findingError));
}
