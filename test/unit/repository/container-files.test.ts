// Container files, checked offline: Dockerfile pins and contents, docker-compose.yml, and the Kubernetes manifests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config';
import { isKnownSetting } from '../../../src/config/known-settings';
import { queueNameForPool } from '../../../src/domain/runs/run-message';
import { findMissingCapabilities } from '../../../src/domain/worker/run-user';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

// ---- Dockerfile ----

type Instruction = { readonly keyword: string; readonly args: string };

/** Instructions with continuation lines joined and comments dropped. */
function dockerInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (current === '' && line === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = (current + line).trim();
    current = '';
    const m = /^(\w+)\s+([\s\S]*)$/.exec(whole);
    if (!m) throw new Error(`not an instruction: ${whole}`);
    out.push({ keyword: m[1]!.toUpperCase(), args: m[2]! });
  }
  return out;
}

/** The tag or digest of an image reference; undefined when it has neither. */
function imageTag(ref: string): string | undefined {
  const digest = /@(sha256:[0-9a-f]{64})$/.exec(ref);
  if (digest) return digest[1];
  const last = ref.split('/').pop() ?? '';
  const colon = last.indexOf(':');
  return colon < 0 ? undefined : last.slice(colon + 1);
}

const pinned = (ref: string): boolean => {
  const tag = imageTag(ref);
  return tag !== undefined && tag !== '' && tag !== 'latest' && !ref.includes('$');
};

const dockerfile = dockerInstructions(read('Dockerfile'));
const froms = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/));
const runtimeStage = dockerfile.slice(dockerfile.findLastIndex((i) => i.keyword === 'FROM'));
const of = (stage: readonly Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword);
const args = new Map(
  of(dockerfile, 'ARG').map((i) => {
    const [name, ...value] = i.args.trim().split('=');
    return [name!, value.join('=')] as const;
  }),
);
const runs = of(dockerfile, 'RUN').map((i) => i.args);

describe('Dockerfile', () => {
  it('pins every base image by tag or digest, never latest', () => {
    const stages = new Set<string>();
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const words of froms) {
      const image = words.find((w) => !w.startsWith('--'))!;
      if (!stages.has(image)) expect(pinned(image), `FROM ${image}`).toBe(true);
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      if (as >= 0) stages.add(words[as + 1]!);
    }
  });

  it('builds and runs on the Node version .nvmrc names, the runtime being the Functions host image', () => {
    const node = read('.nvmrc').trim();
    const images = froms.map((words) => words[0]!);
    expect(images[0]).toMatch(new RegExp(`^node:${node}\\.`));
    expect(images.at(-1)).toMatch(new RegExp(`^mcr\\.microsoft\\.com/azure-functions/node:4[\\w.-]*node${node}`));
  });

  it('copies the host settings, the compiled app, production modules, runbooks and schemas', () => {
    const sources = of(runtimeStage, 'COPY').flatMap((i) => {
      const words = i.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      return words.slice(0, -1);
    });
    for (const needed of ['host.json', 'package.json', 'runbooks', 'schemas']) expect(sources).toContain(needed);
    expect(sources.some((s) => /(^|\/)dist$/.test(s))).toBe(true);
    expect(sources.some((s) => /(^|\/)node_modules$/.test(s))).toBe(true);
    expect(of(runtimeStage, 'COPY').some((i) => /--from=\w+/.test(i.args) && /node_modules/.test(i.args))).toBe(true);
  });

  it('runs from /home/site/wwwroot with absolute runbook and schema directories', () => {
    expect(of(runtimeStage, 'WORKDIR').map((i) => i.args.trim())).toEqual(['/home/site/wwwroot']);
    const env = Object.fromEntries(
      of(runtimeStage, 'ENV')
        .flatMap((i) => i.args.split(/\s+/))
        .map((kv) => kv.split('=') as [string, string]),
    );
    const root = of(runtimeStage, 'WORKDIR')[0]!.args.trim();
    expect(env['AzureWebJobsScriptRoot']).toBe(root);
    // The directories the image copies, as loadConfig reads them: absolute, so no working directory can move them.
    const config = loadConfig(env, '/');
    expect([config.runbooksDir, config.schemasDir]).toEqual([`${root}/runbooks`, `${root}/schemas`]);
  });

  it('runs runbooks as a user of their own, with no login shell and no home in the app, the host staying root', () => {
    const env = Object.fromEntries(
      of(runtimeStage, 'ENV')
        .flatMap((i) => i.args.split(/\s+/))
        .map((kv) => kv.split('=') as [string, string]),
    );
    const user = env['CLOUDO_RUNBOOK_USER']!;
    expect(loadConfig({ CLOUDO_RUNBOOK_USER: user }).runbookUser).toBe(user);
    // The user the setting names is created in the image, a system user that cannot log in and has no home there.
    const created = of(runtimeStage, 'RUN').find((r) => new RegExp(`useradd .*\\b${user}$`).test(r.args))!.args;
    expect(created).toMatch(/--system\b/);
    expect(created).toMatch(/--no-create-home\b/);
    expect(created).toMatch(/--shell \/usr\/sbin\/nologin\b/);
    // Switching users needs root: the image never changes user.
    expect(of(runtimeStage, 'USER')).toEqual([]);
  });

  it("keeps the app's files root's and writable by root alone, runbooks readable", () => {
    const stage = runtimeStage.map((i) => `${i.keyword} ${i.args}`);
    for (const copy of of(runtimeStage, 'COPY')) expect(copy.args).not.toMatch(/--chown|--chmod/);
    const fix = stage.findIndex((i) => i.includes('chmod -R go-w,a+rX /home/site/wwwroot'));
    expect(fix).toBeGreaterThan(stage.findLastIndex((i) => i.startsWith('COPY ')));
    expect(stage[fix]).toContain('chown -R root:root /home/site/wwwroot');
  });

  it('gives every *_VERSION argument a value', () => {
    const versions = [...args].filter(([name]) => name.endsWith('_VERSION'));
    expect(versions.length).toBeGreaterThan(0);
    for (const [name, value] of versions) expect(value, name).toMatch(/^v?\d+\.\d+\.\d+$/);
  });

  it('checks every download against a SHA-256 sum: the pinned argument, else the one published beside it', () => {
    const sums = [...args].filter(([name]) => name.endsWith('_SHA256'));
    for (const [name, value] of sums) if (value !== '') expect(value, name).toMatch(/^[0-9a-f]{64}$/);
    // Every binary fetched into /tmp is checked with sha256sum before it is installed, and no sum may be empty.
    // (The apt key is not: apt checks packages against it, and the pinned azure-cli version with them.)
    const all = runs.join('\n');
    const downloads = [...all.matchAll(/curl [^;&|]*-o (\/tmp\/\S+)/g)].map((m) => m[1]!);
    expect(downloads.length).toBeGreaterThan(0);
    for (const file of downloads)
      expect(all, file).toMatch(new RegExp(`\\}  ${file.replace(/[.$]/g, '\\$&')}" \\| sha256sum -c -`));
    expect(all).toMatch(/test -n "\$\{\w+_sum\}"/);
  });

  it('installs the pinned Azure CLI, without recommends, and leaves no apt lists behind', () => {
    const apt = runs.filter((r) => r.includes('apt-get install'));
    expect(apt.length).toBeGreaterThan(0);
    for (const run of apt) {
      for (const install of run.split('apt-get install').slice(1))
        expect(install).toMatch(/^ -y --no-install-recommends /);
      expect(run).toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*$/);
    }
    // The interpreters runbooks are run with are installed: bash and python3.
    expect(apt.join('\n')).toMatch(/"azure-cli=\$\{AZURE_CLI_VERSION\}-/);
    expect(apt.join('\n')).toMatch(/\bbash\b[\s\S]*\bpython3\b/);
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  // Root-relative patterns with `*` wildcards: all this file uses.
  const glob = (p: string) =>
    new RegExp(
      `^${p
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*')}$`,
    );

  it('keeps local builds, tests, tooling and secrets out of the context', () => {
    for (const p of ['node_modules', 'dist', '.git', '.cloudo-local', 'test', 'bench', 'coverage', '*.log', 'iac']) {
      expect(patterns).toContain(p);
    }
    expect(patterns).toContain('.vscode');
    expect(patterns).toContain('local.settings.json');
  });

  it('keeps what the image build copies', () => {
    const needed = ['package.json', 'package-lock.json', 'host.json', 'tsconfig.json', 'tsconfig.build.json'];
    for (const file of [...needed, 'functions', 'src', 'runbooks', 'schemas']) {
      expect(
        patterns.filter((p) => glob(p).test(file)),
        file,
      ).toEqual([]);
    }
  });
});

// ---- YAML, read by indentation: enough for these hand-written files, with no YAML dependency ----

type Line = { readonly indent: number; readonly text: string };

function yamlLines(text: string): Line[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
    .map((l) => {
      const item = /^( *)(- )?/.exec(l)!;
      return { indent: item[1]!.length + (item[2] ? 2 : 0), text: l.trim().replace(/^- /, '') };
    });
}

const unquote = (s: string) => s.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');

/** The lines nested under the first `key:` (at any depth). */
function block(lines: readonly Line[], key: string): Line[] {
  const at = lines.findIndex((l) => l.text === `${key}:` || l.text.startsWith(`${key}: `));
  if (at < 0) throw new Error(`no ${key}`);
  const end = lines.findIndex((l, i) => i > at && l.indent <= lines[at]!.indent);
  return lines.slice(at + 1, end < 0 ? undefined : end);
}

/** The scalar values of every `key: value` (at any depth). */
const values = (lines: readonly Line[], key: string): string[] =>
  lines.flatMap((l) => (l.text.startsWith(`${key}: `) ? [unquote(l.text.slice(key.length + 2).trim())] : []));

function value(lines: readonly Line[], key: string): string {
  const all = values(lines, key);
  expect(all, key).toHaveLength(1);
  return all[0]!;
}

/** The direct `key: value` pairs of a mapping block. */
function pairs(lines: readonly Line[]): Record<string, string> {
  const top = Math.min(...lines.map((l) => l.indent));
  return Object.fromEntries(
    lines
      .filter((l) => l.indent === top)
      .map((l) => /^([^:]+):\s*(.*)$/.exec(l.text)!)
      .map((m) => [m[1]!, unquote(m[2]!)]),
  );
}

type Doc = { readonly kind: string; readonly apiVersion: string; readonly name: string; readonly lines: Line[] };

function manifests(file: string): Doc[] {
  const text = read(file);
  expect(text).not.toMatch(/\t/);
  return text
    .split(/^---\s*$/m)
    .map(yamlLines)
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      for (const l of lines) expect(l.indent % 2, `${file}: ${l.text}`).toBe(0);
      const top = pairs(lines);
      expect(Object.keys(top), file).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata']));
      return {
        kind: top['kind']!,
        apiVersion: top['apiVersion']!,
        name: pairs(block(lines, 'metadata'))['name']!,
        lines,
      };
    });
}

// Linux capability numbers of the names Kubernetes takes (without CAP_).
const CAPABILITY_BITS: Record<string, number> = { CHOWN: 0, KILL: 5, SETGID: 6, SETUID: 7, NET_BIND_SERVICE: 10 };
const capabilityMask = (names: readonly string[]): string =>
  names.reduce((mask, n) => mask | (1n << BigInt(CAPABILITY_BITS[n]!)), 0n).toString(16);

const hostJson = JSON.parse(read('host.json')) as { extensions: { queues: { batchSize: number } } };
const pkg = JSON.parse(read('package.json')) as {
  devDependencies: Record<string, string>;
  bin: Record<string, string>;
};

describe('docker-compose.yml', () => {
  const lines = yamlLines(read('docker-compose.yml'));
  const services = block(lines, 'services');
  const service = (name: string) => block(services, name);

  it('pins every image, Azurite at the version the tests use', () => {
    const images = values(lines, 'image');
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(pinned(image), image).toBe(true);
    expect(value(service('azurite'), 'image')).toBe(
      `mcr.microsoft.com/azure-storage/azurite:${pkg.devDependencies['azurite']}`,
    );
  });

  it('builds cloudo and cloudo-schemas from the Dockerfile, as one image', () => {
    const shared = block(lines, 'x-cloudo');
    expect(value(block(shared, 'build'), 'context')).toBe('.');
    for (const name of ['cloudo', 'cloudo-schemas']) expect(pairs(service(name))['<<']).toBe('*cloudo');
  });

  it('serves ClouDO from the port the Functions image listens on, on Azurite by service name', () => {
    expect(block(service('cloudo'), 'ports').map((l) => unquote(l.text).split(':').at(-1))).toEqual(['80']);
    const storage = value(block(lines, 'x-cloudo'), 'AzureWebJobsStorage');
    // Every endpoint names the azurite service: inside the network, localhost is the container itself.
    for (const kind of ['Queue', 'Table']) expect(storage).toMatch(new RegExp(`${kind}Endpoint=http://azurite:\\d+/`));
    expect(storage).not.toMatch(/localhost|127\.0\.0\.1/);
    const env = pairs(block(service('cloudo'), 'environment'));
    // A secret comes from the shell running compose, never written in the file.
    expect(env['APPROVAL_SECRET']).toMatch(/^\$\{APPROVAL_SECRET:-/);
  });

  it('applies the schemas once before ClouDO starts', () => {
    expect(value(service('cloudo-schemas'), 'command')).toBe(`['node', '${pkg.bin['cloudo']}', 'schemas', 'apply']`);
    expect(value(block(block(service('cloudo-schemas'), 'depends_on'), 'azurite'), 'condition')).toBe(
      'service_healthy',
    );
    const after = block(service('cloudo'), 'depends_on');
    expect(value(block(after, 'cloudo-schemas'), 'condition')).toBe('service_completed_successfully');
  });
});

describe('deploy/kubernetes', () => {
  const cloudo = manifests('deploy/kubernetes/cloudo.yaml');
  const keda = manifests('deploy/kubernetes/keda-scaledobject.yaml');
  const doc = (docs: readonly Doc[], kind: string) => {
    const found = docs.filter((d) => d.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0]!;
  };
  const deployment = doc(cloudo, 'Deployment');
  const configMap = doc(cloudo, 'ConfigMap');
  const settings = pairs(block(configMap.lines, 'data'));
  const clientId = settings['AzureWebJobsStorage__clientId']!;
  const container = block(deployment.lines, 'containers');

  it('declares the service account, settings, Deployment and Service', () => {
    expect(cloudo.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service', 'ServiceAccount']);
    expect(configMap.name).toBe('cloudo-settings');
    expect(doc(cloudo, 'Service').name).toBe(deployment.name);
  });

  it('defines no Secret, so applying the files never replaces the one created apart', () => {
    for (const file of ['cloudo.yaml', 'keda-scaledobject.yaml']) {
      expect(read(`deploy/kubernetes/${file}`), file).not.toMatch(/^\s*kind:\s*['"]?Secret['"]?\s*$/m);
    }
    expect([...cloudo, ...keda].map((d) => d.kind)).not.toContain('Secret');
    const secrets = ['APPROVAL_SECRET', 'OPSGENIE_API_KEY', 'CLOUDO_CHAT_WEBHOOK_URL'];
    for (const name of Object.keys(settings)) {
      expect(
        secrets.some((s) => name.startsWith(s)),
        name,
      ).toBe(false);
    }
  });

  it('runs a pinned image on port 80, settings from the ConfigMap and secrets from an optional Secret', () => {
    const image = value(deployment.lines, 'image');
    expect(pinned(image), image).toBe(true);
    expect(value(deployment.lines, 'containerPort')).toBe('80');
    const envFrom = block(deployment.lines, 'envFrom');
    expect(pairs(block(envFrom, 'configMapRef'))).toEqual({ name: configMap.name });
    expect(pairs(block(envFrom, 'secretRef'))).toEqual({ name: 'cloudo-secrets', optional: 'true' });
    expect(envFrom.filter((l) => /^(configMapRef|secretRef):$/.test(l.text))).toHaveLength(2);
    expect(value(block(block(deployment.lines, 'readinessProbe'), 'tcpSocket'), 'port')).toBe('http');
    expect(values(deployment.lines, 'replicas')).toEqual([]);
  });

  it('runs with RuntimeDefault seccomp, no privilege escalation, and only the capabilities it needs', () => {
    const podSpec = block(block(deployment.lines, 'template'), 'spec');
    const podSecurity = podSpec.filter((l) => l.indent === podSpec[0]!.indent);
    expect(podSecurity.map((l) => l.text)).toContain('securityContext:');
    expect(value(block(block(podSpec, 'securityContext'), 'seccompProfile'), 'type')).toBe('RuntimeDefault');

    const security = block(container, 'securityContext');
    expect(value(security, 'allowPrivilegeEscalation')).toBe('false');
    expect(values(security, 'readOnlyRootFilesystem')).not.toContain('true');
    const capabilities = pairs(block(security, 'capabilities'));
    expect(capabilities['drop']).toBe("['ALL']");
    // Root (the base image's user) keeps what binding port 80 needs, and what handing runbooks to their own user
    // needs (chown their directory, switch ids, signal their group): the ones findMissingCapabilities checks at start.
    const added = /^\[(.*)\]$/
      .exec(capabilities['add']!)![1]!
      .split(',')
      .map((c) => unquote(c.trim()));
    expect(added).toEqual(['NET_BIND_SERVICE', 'CHOWN', 'KILL', 'SETGID', 'SETUID']);
    expect(findMissingCapabilities(capabilityMask(added))).toEqual([]);
    expect(values(deployment.lines, 'runAsNonRoot')).not.toContain('true');
    expect(values(deployment.lines, 'runAsUser')).toEqual([]);
  });

  it('uses Azure Workload Identity, with ClouDO’s client id for storage and KEDA, and the runbooks’ apart', () => {
    const account = doc(cloudo, 'ServiceAccount');
    expect(value(deployment.lines, 'serviceAccountName')).toBe(account.name);
    expect(settings['AZURE_CLIENT_ID']).toBe(clientId);
    expect(value(doc(keda, 'TriggerAuthentication').lines, 'identityId')).toBe(clientId);
    // The runbooks' identity is another one than ClouDO's own.
    expect(settings['CLOUDO_RUNBOOK_CLIENT_ID']).toBeDefined();
    expect(settings['CLOUDO_RUNBOOK_CLIENT_ID']).not.toBe(clientId);
  });

  it('mounts the federated token root-only itself, so runbooks cannot exchange it for ClouDO’s identity', () => {
    // Not the webhook's volume, which every user in the pod can read (mode 0644).
    const template = block(deployment.lines, 'template');
    expect(values(template, 'azure.workload.identity/use')).toEqual([]);
    const envLines = block(container, 'env');
    const names = values(envLines, 'name');
    expect(values(envLines, 'value')).toHaveLength(names.length);
    const env = Object.fromEntries(names.map((n, i) => [n, values(envLines, 'value')[i]!]));
    const file = env['AZURE_FEDERATED_TOKEN_FILE']!;
    const mount = pairs(block(container, 'volumeMounts'));
    expect(mount).toMatchObject({ name: 'azure-identity-token', readOnly: 'true' });
    const volumes = block(block(template, 'spec'), 'volumes');
    expect(pairs(volumes)['name']).toBe(mount['name']);
    const projected = block(volumes, 'projected');
    // Mode 0400, and no group that could read it: no fsGroup, and the pod stays root (runbooks are uid 10001).
    const mode = Number(value(projected, 'defaultMode'));
    expect(mode & 0o077, `defaultMode ${mode.toString(8)}`).toBe(0);
    expect(values(deployment.lines, 'fsGroup')).toEqual([]);
    expect(values(deployment.lines, 'runAsUser')).toEqual([]);
    const token = pairs(block(projected, 'serviceAccountToken'));
    expect(token['audience']).toBe('api://AzureADTokenExchange');
    expect(file).toBe(`${mount['mountPath']}/${token['path']}`);
    expect(env['AZURE_AUTHORITY_HOST']).toBe('https://login.microsoftonline.com/');
  });

  it('sets only settings ClouDO reads, and they resolve to identity-based storage and a runbook identity', () => {
    const platform = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID'];
    for (const name of Object.keys(settings)) expect(isKnownSetting(name) || platform.includes(name), name).toBe(true);
    const runbookId = '22222222-bbbb-4bbb-8bbb-222222222222';
    const env = Object.fromEntries(
      Object.entries(settings).map(([k, v]) => [
        k,
        v
          .replace('<storage-account-name>', 'acct')
          .replace(clientId, 'id-1')
          .replace('<runbook-identity-client-id>', runbookId),
      ]),
    );
    const federated = { AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' };
    expect(loadConfig({ ...env, ...federated }).runbookIdentity).toMatchObject({
      clientId: runbookId,
      source: 'workload',
    });
    expect(loadConfig({ ...env, ...federated }).runbookBaseEnv).not.toHaveProperty('AZURE_FEDERATED_TOKEN_FILE');
    expect(loadConfig(env).storage).toEqual({
      kind: 'identity',
      tableServiceUri: 'https://acct.table.core.windows.net',
      queueServiceUri: 'https://acct.queue.core.windows.net',
      clientId: 'id-1',
      credential: 'managedidentity',
    });
  });

  it('scales the Deployment with KEDA on the runbook queue, keeping one replica for HTTP', () => {
    expect(keda.map((d) => d.apiVersion)).toEqual(['keda.sh/v1alpha1', 'keda.sh/v1alpha1']);
    const scaled = doc(keda, 'ScaledObject');
    const auth = doc(keda, 'TriggerAuthentication');
    expect(value(block(scaled.lines, 'scaleTargetRef'), 'name')).toBe(deployment.name);
    expect(value(scaled.lines, 'minReplicaCount')).toBe('1');
    expect(value(scaled.lines, 'maxReplicaCount')).toBe('10');
    expect(value(block(scaled.lines, 'triggers'), 'type')).toBe('azure-queue');
    expect(value(block(scaled.lines, 'authenticationRef'), 'name')).toBe(auth.name);
    expect(value(block(auth.lines, 'podIdentity'), 'provider')).toBe('azure-workload');

    const metadata = pairs(block(block(scaled.lines, 'triggers'), 'metadata'));
    const known = ['queueName', 'queueLength', 'queueLengthStrategy', 'activationQueueLength', 'accountName', 'cloud'];
    for (const key of Object.keys(metadata)) expect(known, key).toContain(key);
    expect(metadata['queueName']).toBe(queueNameForPool(loadConfig({}).queuePrefix, 'Runbook'));
    expect(metadata['queueLength']).toBe(String(hostJson.extensions.queues.batchSize));
    expect(metadata['accountName']).toBe(settings['AzureWebJobsStorage__accountName']);
  });
});
