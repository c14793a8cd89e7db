// Terraform checks: parses iac/ offline and holds the module's app settings, names and secrets to ClouDO's own rules.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config';
import { queueNameForPool } from '../../../src/domain/runs/run-message';
import { isKnownSetting } from '../../../src/config/known-settings';
import { EXECUTION_STATUSES } from '../../../src/domain/runs/execution-status';

const ROOT = path.resolve(__dirname, '../../..');
const IAC = path.join(ROOT, 'iac');
const MODULE = path.join(IAC, 'modules', 'cloudo');

// Settings the Azure platform or the Functions host reads, not ClouDO (src/config/known-settings.ts knows only ClouDO's).
const PLATFORM_SETTINGS = new Set([
  'FUNCTIONS_WORKER_RUNTIME', // the language worker the host starts
  'FUNCTIONS_EXTENSION_VERSION', // the host's major version
  'WEBSITES_ENABLE_APP_SERVICE_STORAGE', // no /home share mounted into the container
  'APPLICATIONINSIGHTS_CONNECTION_STRING', // where the host sends telemetry
  'AZURE_CLIENT_ID', // ClouDO's identity, which az and DefaultAzureCredential pick in the app; never passed to runbooks
  'DOCKER_REGISTRY_SERVER_URL', // where App Service pulls the image from
  'DOCKER_REGISTRY_SERVER_USERNAME',
  'DOCKER_REGISTRY_SERVER_PASSWORD',
]);

// Names that look like credentials but are not: an id of a vault, and the names of its secrets.
const NOT_SECRETS = new Set(['key_vault_id', 'key_vault_secret_names']);
const SECRET_NAME = /key|secret|password|token/i;

// Stand-ins for values Terraform only knows at apply time, and for the credentials, so that the app settings can go
// through loadConfig as App Service would hand them to ClouDO. Any other expression fails the test until it is added.
const IDENTITY_CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const RUNBOOK_CLIENT_ID = '66666666-7777-4888-8999-aaaaaaaaaaaa';
const ACCOUNT_NAME = 'cloudoprodst';
const APPLY_TIME: Readonly<Record<string, string>> = {
  'azurerm_user_assigned_identity.this.client_id': IDENTITY_CLIENT_ID,
  'azurerm_user_assigned_identity.runbook.client_id': RUNBOOK_CLIENT_ID,
  'local.storage_account_name': ACCOUNT_NAME,
  'azurerm_application_insights.this.connection_string': 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  'local.image_parts[0]': 'ghcr.io',
};
// Inputs the module requires (no default), as a deployment would give them.
const REQUIRED_INPUTS: Readonly<Record<string, string>> = { image: 'ghcr.io/contoso/cloudo:1.4.2' };
// Valid for loadConfig: OPSGENIE_API_KEY 8+ characters, APPROVAL_SECRET 32+, the chat webhook an https URL.
const DUMMY_SECRETS: Readonly<Record<string, string>> = {
  OPSGENIE_API_KEY: 'dummy-opsgenie-api-key',
  APPROVAL_SECRET: 'a'.repeat(64),
  CLOUDO_CHAT_WEBHOOK_URL: 'https://hooks.example.com/services/T000/B000/dummy',
};

const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
if (!hasTerraform) console.info('terraform is not on PATH: skipping `terraform fmt -check` and the console evaluation');
const TF_ENV = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

type Body = { readonly [key: string]: unknown };
type ParsedFile = { readonly file: string; readonly doc: Body };

const isBody = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const bodies = (v: unknown): Body[] => (Array.isArray(v) ? v.filter(isBody) : []);
const field = (b: Body, key: string): Body => {
  const v = b[key];
  return isBody(v) ? v : {};
};
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
/** The expression inside a value written as one interpolation, "${...}". */
const expression = (v: unknown): string => /^\$\{([\s\S]*)\}$/.exec(text(v))?.[1] ?? '';
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

function tfFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '.terraform' ? [] : tfFiles(full);
    return e.name.endsWith('.tf') ? [full] : [];
  });
}

/** Blocks of one kind (variable, output) or of one type (resource azurerm_x), with their names. */
function named(
  files: readonly ParsedFile[],
  kind: string,
  type?: string,
): { name: string; body: Body; file: string }[] {
  return files.flatMap(({ file, doc }) => {
    const level = type === undefined ? field(doc, kind) : field(field(doc, kind), type);
    return Object.entries(level).flatMap(([name, v]) => bodies(v).map((body) => ({ name, body, file })));
  });
}

function locals(files: readonly ParsedFile[]): Body {
  return Object.assign({}, ...files.flatMap(({ doc }) => bodies(doc['locals'])));
}

function theOne<T>(items: readonly T[], what: string): T {
  expect(items, what).toHaveLength(1);
  return items[0]!;
}

const parsed: ParsedFile[] = [];
const failures: string[] = [];
const files = tfFiles(IAC);

beforeAll(async () => {
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    try {
      parsed.push({ file: rel, doc: await parse(rel, readFileSync(file, 'utf8')) });
    } catch (err) {
      failures.push(`${rel}: ${String(err)}`);
    }
  }
});

const moduleFiles = (): ParsedFile[] => parsed.filter((p) => p.file.startsWith(path.relative(ROOT, MODULE)));

/** The function app of the module, and the app settings it gets: literal maps merged, plus provider-written ones. */
function appSettings(): { app: Body; settings: Map<string, unknown>; literal: Set<string> } {
  const mod = moduleFiles();
  const app = theOne(named(mod, 'resource', 'azurerm_linux_function_app'), 'one azurerm_linux_function_app').body;
  const merged = squash(expression(app['app_settings']));
  // Only merge() of locals: anything else would hide keys from this test.
  expect(merged).toMatch(/^merge\(local\.\w+(, local\.\w+)*\)$/);
  const all = locals(mod);
  const settings = new Map<string, unknown>();
  for (const [, name] of merged.matchAll(/local\.(\w+)/g)) {
    const map = all[name!];
    expect(isBody(map), `local.${name} is a literal map`).toBe(true);
    for (const [k, v] of Object.entries(isBody(map) ? map : {})) settings.set(k, v);
  }
  const literal = new Set(settings.keys());
  // Settings the azurerm provider writes from arguments (and reads back into them).
  const site = bodies(app['site_config'])[0] ?? {};
  if (app['storage_uses_managed_identity'] === true && app['storage_account_name'] !== undefined)
    settings.set('AzureWebJobsStorage__accountName', app['storage_account_name']);
  if (site['application_insights_connection_string'] !== undefined)
    settings.set('APPLICATIONINSIGHTS_CONNECTION_STRING', site['application_insights_connection_string']);
  settings.set('FUNCTIONS_EXTENSION_VERSION', app['functions_extension_version'] ?? '~4');
  for (const docker of bodies(bodies(site['application_stack'])[0]?.['docker'])) {
    settings.set('DOCKER_REGISTRY_SERVER_URL', docker['registry_url']);
    if (docker['registry_username'] !== undefined)
      settings.set('DOCKER_REGISTRY_SERVER_USERNAME', docker['registry_username']);
    if (docker['registry_password'] !== undefined)
      settings.set('DOCKER_REGISTRY_SERVER_PASSWORD', docker['registry_password']);
  }
  return { app, settings, literal };
}

/** Variable defaults of the module, by name. */
function variableDefaults(): Map<string, unknown> {
  return new Map(named(moduleFiles(), 'variable').map((v) => [v.name, v.body['default']]));
}

/**
 * The app settings as the app would see them with the module's defaults: literals as they are, `${var.x}` (also in
 * tostring() or join(",", ...)) from the variable's default, `${local.x}` from a literal local, apply-time values and
 * credentials from the stand-ins above. Throws on anything else, naming the setting.
 */
function resolvedSettings(): Record<string, string> {
  const { settings } = appSettings();
  const defaults = variableDefaults();
  const all = locals(moduleFiles());
  const variable = (name: string, v: string): unknown => {
    if (!defaults.has(v)) throw new Error(`${name}: var.${v} is not a module variable`);
    const d = defaults.get(v) === undefined ? REQUIRED_INPUTS[v] : defaults.get(v);
    if (d === undefined) throw new Error(`${name}: var.${v} has no default`);
    return d;
  };
  const resolveExpr = (name: string, expr: string): string => {
    let m: RegExpExecArray | null;
    if ((m = /^var\.(\w+)$/.exec(expr)) || (m = /^tostring\(var\.(\w+)\)$/.exec(expr))) {
      const d = variable(name, m[1]!);
      return d === null ? '' : String(d);
    }
    if ((m = /^join\(",", var\.(\w+)\)$/.exec(expr))) return (variable(name, m[1]!) as unknown[]).join(',');
    // A choice on a bool variable between two literals, e.g. var.enable_sign_in ? "easy-auth" : "keys".
    if ((m = /^var\.(\w+) \? "([^"]*)" : "([^"]*)"$/.exec(expr))) return variable(name, m[1]!) === true ? m[2]! : m[3]!;
    if (APPLY_TIME[expr] !== undefined) return APPLY_TIME[expr];
    if ((m = /^local\.(\w+)$/.exec(expr)) && typeof all[m[1]!] === 'string') return resolve(name, all[m[1]!]);
    throw new Error(`${name}: no stand-in for \${${expr}}`);
  };
  // A whole value "${...}", or a template with simple interpolations such as "https://${local.x}".
  const resolve = (name: string, value: unknown): string => {
    if (typeof value !== 'string') return String(value);
    const whole = expression(value);
    if (whole !== '') return resolveExpr(name, squash(whole));
    return value.replace(/\$\{([^{}]*)\}/g, (_, expr: string) => resolveExpr(name, squash(expr)));
  };
  const secrets = Object.keys(field(locals(moduleFiles()), 'secret_settings'));
  return Object.fromEntries(
    [...settings].map(([name, value]) => [name, secrets.includes(name) ? DUMMY_SECRETS[name]! : resolve(name, value)]),
  );
}

describe('terraform (iac/)', () => {
  it('parses every .tf file', () => {
    expect(files.map((f) => path.relative(IAC, f))).toEqual(
      expect.arrayContaining(['modules/cloudo/variables.tf', 'modules/cloudo/outputs.tf', 'examples/basic/main.tf']),
    );
    expect(failures).toEqual([]);
    expect(parsed).toHaveLength(files.length);
  });

  it('sets only app settings ClouDO or the platform knows', () => {
    const { settings } = appSettings();
    const unknown = [...settings.keys()].filter((k) => !isKnownSetting(k) && !PLATFORM_SETTINGS.has(k));
    expect(unknown).toEqual([]);
  });

  it('leaves the settings the provider writes out of app_settings, where the plan would never settle', () => {
    const { literal } = appSettings();
    const providerWritten = [
      'AzureWebJobsStorage__accountName',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'FUNCTIONS_EXTENSION_VERSION',
      'DOCKER_REGISTRY_SERVER_URL',
      'DOCKER_REGISTRY_SERVER_USERNAME',
      'DOCKER_REGISTRY_SERVER_PASSWORD',
    ];
    expect([...literal].filter((k) => providerWritten.includes(k))).toEqual([]);
  });

  it('gives ClouDO settings loadConfig accepts, with secrets of valid length', () => {
    const env = resolvedSettings();
    for (const name of Object.keys(DUMMY_SECRETS)) expect(env[name], name).toBe(DUMMY_SECRETS[name]);
    const config = loadConfig(env, ROOT);
    const defaults = variableDefaults();
    expect(config.workerPools).toEqual(defaults.get('worker_pools'));
    expect(config.oncall.approvalTtlMinutes).toBe(defaults.get('approval_ttl_minutes'));
    expect(config.oncall.opsgenieUrl).toBe(defaults.get('opsgenie_api_url'));
    expect(config.oncall.approvalSecret).toBe(DUMMY_SECRETS['APPROVAL_SECRET']);
    expect(config.oncall.opsgenieKey).toBe(DUMMY_SECRETS['OPSGENIE_API_KEY']);
    expect(config.oncall.chatWebhookUrl).toBe(DUMMY_SECRETS['CLOUDO_CHAT_WEBHOOK_URL']);
  });

  it('connects the host and ClouDO to storage with the user-assigned identity', () => {
    const { app } = appSettings();
    const env = resolvedSettings();
    const config = loadConfig(env, ROOT);
    expect(config.storageSetting).toBe('AzureWebJobsStorage');
    expect(config.storage).toEqual({
      kind: 'identity',
      tableServiceUri: `https://${ACCOUNT_NAME}.table.core.windows.net`,
      queueServiceUri: `https://${ACCOUNT_NAME}.queue.core.windows.net`,
      clientId: IDENTITY_CLIENT_ID,
      credential: 'managedidentity',
    });
    // ClouDO's identity is the app's default and resolves its Key Vault references; runbooks never get it.
    expect(env['AZURE_CLIENT_ID']).toBe(IDENTITY_CLIENT_ID);
    expect(config.runbookBaseEnv).not.toHaveProperty('AZURE_CLIENT_ID');
    expect(app['functions_extension_version']).toBe('~4');
    expect(theOne(bodies(app['identity']), 'one identity block')).toMatchObject({
      type: 'UserAssigned',
      identity_ids: ['${azurerm_user_assigned_identity.this.id}', '${azurerm_user_assigned_identity.runbook.id}'],
    });
    expect(app['key_vault_reference_identity_id']).toBe('${azurerm_user_assigned_identity.this.id}');
  });

  it('gives runbooks an identity of their own, with no role on ClouDO’s storage account or Key Vault', () => {
    const mod = moduleFiles();
    const identities = named(mod, 'resource', 'azurerm_user_assigned_identity');
    expect(identities.map((i) => i.name).sort()).toEqual(['runbook', 'this']);
    // The app setting names it, and ClouDO's token broker then serves runbooks its tokens, and only its.
    const env = resolvedSettings();
    expect(appSettings().settings.get('CLOUDO_RUNBOOK_CLIENT_ID')).toBe(
      '${azurerm_user_assigned_identity.runbook.client_id}',
    );
    expect(loadConfig(env, ROOT).runbookIdentity.clientId).toBe(RUNBOOK_CLIENT_ID);
    expect(RUNBOOK_CLIENT_ID).not.toBe(env['AZURE_CLIENT_ID']);

    const runbookPrincipal = '${azurerm_user_assigned_identity.runbook.principal_id}';
    const ownPrincipal = '${azurerm_user_assigned_identity.this.principal_id}';
    const roles = named(mod, 'resource', 'azurerm_role_assignment');
    const held = (principal: string) => roles.filter((r) => r.body['principal_id'] === principal).map((r) => r.name);
    // The runbook identity holds runbook_role_assignments and nothing else; ClouDO's identity none of them.
    expect(held(runbookPrincipal)).toEqual(['runbook']);
    expect(held(ownPrincipal).sort()).toEqual(['acr_pull', 'key_vault_secrets', 'storage']);
    const runbook = theOne(
      roles.filter((r) => r.name === 'runbook'),
      'azurerm_role_assignment.runbook',
    ).body;
    expect(runbook).toMatchObject({ scope: '${each.value.scope}', role_definition_name: '${each.value.role}' });
    expect(text(runbook['for_each'])).toContain('var.runbook_role_assignments');
    // Nothing in the module gives it a role on ClouDO's account, queue or vault.
    for (const r of roles.filter((x) => text(x.body['scope']).match(/storage_account_id|intake_queue_scope|key_vault/)))
      expect(r.body['principal_id'], r.name).not.toBe(runbookPrincipal);
    const outputs = named(mod, 'output');
    const output = (name: string) => outputs.find((o) => o.name === name)?.body['value'];
    expect(output('identity_client_id')).toBe('${azurerm_user_assigned_identity.this.client_id}');
    expect(output('runbook_identity_client_id')).toBe('${azurerm_user_assigned_identity.runbook.client_id}');
  });

  it('feeds the credential settings only from sensitive variables or Key Vault references', () => {
    const mod = moduleFiles();
    const all = locals(mod);
    const sensitive = new Set(
      named(mod, 'variable')
        .filter((v) => v.body['sensitive'] === true)
        .map((v) => v.name),
    );
    const secrets = field(all, 'secret_settings');
    expect(Object.keys(secrets).sort()).toEqual(['APPROVAL_SECRET', 'CLOUDO_CHAT_WEBHOOK_URL', 'OPSGENIE_API_KEY']);
    for (const [name, value] of Object.entries(secrets)) {
      const vars = [...text(value).matchAll(/var\.(\w+)/g)].map((m) => m[1]!);
      expect(vars.length, name).toBeGreaterThan(0);
      expect(
        vars.filter((v) => !sensitive.has(v)),
        `${name} reads only sensitive variables`,
      ).toEqual([]);
    }
    // By vault name, parsed from the id: no data source, so a vault in another subscription works.
    expect(text(all['key_vault_references'])).toContain(
      '@Microsoft.KeyVault(VaultName=${local.key_vault_name};SecretName=',
    );
    expect(named(mod, 'data', 'azurerm_key_vault')).toEqual([]);
    const kvRoles = named(mod, 'resource', 'azurerm_role_assignment').filter((r) => r.name === 'key_vault_secrets');
    expect(theOne(kvRoles, 'one Key Vault role assignment').body).toMatchObject({
      scope: '${var.key_vault_id}',
      role_definition_name: 'Key Vault Secrets User',
    });
  });

  it('reads the host keys only without function_key', () => {
    const mod = moduleFiles();
    const keys = theOne(named(mod, 'data', 'azurerm_function_app_host_keys'), 'one host keys data source').body;
    expect(squash(expression(keys['count']))).toBe(
      'var.create_action_group && nonsensitive(var.function_key == null) ? 1 : 0',
    );
    const fk = theOne(
      named(mod, 'variable').filter((v) => v.name === 'function_key'),
      'variable function_key',
    ).body;
    expect(fk).toMatchObject({ sensitive: true, default: null });
    expect(squash(expression(locals(mod)['function_key']))).toMatch(
      /^var\.function_key != null \? var\.function_key : /,
    );
  });

  it("names tables and queues as ClouDO's defaults do", () => {
    const defaults = loadConfig({});
    const mod = moduleFiles();
    const all = locals(mod);
    const { settings } = appSettings();
    expect(all['mappings_table']).toBe(defaults.mappingsTable);
    expect(all['executions_table']).toBe(defaults.executionsTable);
    expect(all['queue_prefix']).toBe(defaults.queuePrefix);
    expect(settings.get('CLOUDO_MAPPINGS_TABLE')).toBe('${local.mappings_table}');
    expect(settings.get('CLOUDO_EXECUTIONS_TABLE')).toBe('${local.executions_table}');
    expect(settings.get('CLOUDO_QUEUE_PREFIX')).toBe('${local.queue_prefix}');

    const tables = theOne(named(mod, 'resource', 'azapi_resource'), 'one azapi_resource (the tables)').body;
    // Both tables ClouDO uses, by the names above.
    expect(expression(tables['for_each'])).toMatch(/local\.mappings_table\b[\s\S]*local\.executions_table\b/);
    const queueResources = named(mod, 'resource', 'azurerm_storage_queue');
    expect(queueResources.map((q) => q.name).sort()).toEqual(['intake', 'this']);
    const queues = theOne(
      queueResources.filter((q) => q.name === 'this'),
      'azurerm_storage_queue.this (worker queues)',
    ).body;
    expect(queues['for_each']).toBe('${local.queue_names}');

    // The intake queue: ClouDO's default name, so no CLOUDO_INTAKE_QUEUE setting; created with the account only.
    const intakeName = String(all['intake_queue']).replace('${local.queue_prefix}', String(all['queue_prefix']));
    expect(intakeName).toBe(defaults.intakeQueue);
    expect(settings.has('CLOUDO_INTAKE_QUEUE')).toBe(false);
    expect(loadConfig(resolvedSettings(), ROOT).intakeQueue).toBe(intakeName);
    const intake = theOne(
      queueResources.filter((q) => q.name === 'intake'),
      'azurerm_storage_queue.intake',
    ).body;
    expect(intake['for_each']).toBe('${local.intake_queue_names}');
    expect(intake['storage_account_id']).toBe('${local.storage_account_id}');
    expect(expression(all['intake_queue_names'])).toContain('"${local.intake_queue}-poison"');
    expect([intakeName, `${intakeName}-poison`], 'the intake queue and its poison queue, as ClouDO names them').toEqual(
      [defaults.intakeQueue, `${defaults.intakeQueue}-poison`],
    );

    const pools = theOne(
      named(mod, 'variable').filter((v) => v.name === 'worker_pools'),
      'variable worker_pools',
    ).body['default'];
    expect(pools).toEqual(defaults.workerPools);
    // The HCL's steps, pinned: lower(), runs of other characters to "-", trim("-"), prefix, "--" to "-".
    expect(squash(expression(all['worker_queues']))).toBe(
      'distinct([ for pool in var.worker_pools : replace("${local.queue_prefix}${trim(replace(lower(pool), "/[^a-z0-9]+/", "-"), "-")}", "/-{2,}/", "-") ])',
    );
    expect(squash(expression(all['queue_names']))).toBe(
      'toset(flatten([for queue in local.worker_queues : [queue, "${queue}-poison"]]))',
    );
    const hclQueue = (prefix: string, pool: string): string =>
      `${prefix}${pool
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')}`.replace(/-{2,}/g, '-');
    for (const pool of [...defaults.workerPools, 'AKS_Pool', 'x__y', 'a-_-b', '9lives'])
      expect(hclQueue(defaults.queuePrefix, pool), pool).toBe(queueNameForPool(defaults.queuePrefix, pool));
  });

  it('lets intake senders only send, and only to the intake queue', () => {
    const mod = moduleFiles();
    const all = locals(mod);
    const sender = theOne(
      named(mod, 'resource', 'azurerm_role_assignment').filter((r) => r.name === 'intake_sender'),
      'azurerm_role_assignment.intake_sender',
    ).body;
    expect(sender).toMatchObject({
      for_each: '${toset(var.intake_sender_principal_ids)}',
      scope: '${local.intake_queue_scope}',
      role_definition_name: 'Storage Queue Data Message Sender',
      principal_id: '${each.value}',
    });
    expect(all['intake_queue_scope']).toBe(
      '${local.storage_account_id}/queueServices/default/queues/${local.intake_queue}',
    );
    // No other assignment hands out a sender role, nor the sender ids anything else.
    const roles = named(mod, 'resource', 'azurerm_role_assignment');
    expect(
      roles.filter((r) => text(r.body['role_definition_name']).includes('Message Sender')).map((r) => r.name),
    ).toEqual(['intake_sender']);
    expect(roles.filter((r) => text(r.body).includes('intake_sender_principal_ids')).map((r) => r.name)).toEqual([
      'intake_sender',
    ]);
    const variable = theOne(
      named(mod, 'variable').filter((v) => v.name === 'intake_sender_principal_ids'),
      'variable intake_sender_principal_ids',
    ).body;
    expect(variable['default']).toEqual([]);
    expect(text(variable['description'])).toContain('Storage Queue Data Message Sender');
    expect(
      named(mod, 'output').filter((o) => o.name === 'intake_queue_name')[0]?.body['value'],
      'output intake_queue_name',
    ).toBe('${local.intake_queue}');
  });

  it.skipIf(!hasTerraform)('evaluates the queue names with terraform console as queueNameForPool does', () => {
    const mod = moduleFiles();
    const all = locals(mod);
    const app = theOne(named(mod, 'resource', 'azurerm_linux_function_app'), 'one azurerm_linux_function_app').body;
    const intakePrecondition = expression(
      theOne(
        bodies(bodies(app['lifecycle'])[0]?.['precondition']).filter((p) =>
          /local\.queue_names.*local\.intake_queue/.test(text(p['condition'])),
        ),
        'one precondition keeping worker pools off the intake queue',
      )['condition'],
    );
    const pools = ['Runbook', 'AKS_Pool', 'runbook', 'x__y', 'a-_-b', '9lives'];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-tf-'));
    try {
      writeFileSync(
        path.join(dir, 'main.tf'),
        [
          'variable "worker_pools" {',
          '  type    = list(string)',
          `  default = ${JSON.stringify(pools)}`,
          '}',
          'variable "create_storage" {',
          '  type    = bool',
          '  default = true',
          '}',
          'locals {',
          `  queue_prefix       = ${JSON.stringify(all['queue_prefix'])}`,
          `  worker_queues      = ${expression(all['worker_queues'])}`,
          `  queue_names        = ${expression(all['queue_names'])}`,
          `  intake_queue       = ${JSON.stringify(all['intake_queue'])}`,
          `  intake_queue_names = ${expression(all['intake_queue_names'])}`,
          `  intake_ok          = ${intakePrecondition}`,
          '}',
          '',
        ].join('\n'),
      );
      const { run, evaluate } = terraformIn(dir);
      expect(run(['init', '-backend=false', '-input=false']).status).toBe(0);
      const prefix = String(all['queue_prefix']);
      const expected = [...new Set(pools.map((p) => queueNameForPool(prefix, p)))].flatMap((q) => [q, `${q}-poison`]);
      expect(evaluate('sort(local.queue_names)')).toEqual(expected.sort());

      // The intake queue pair, as loadConfig names it; none with create_storage = false (the first instance's).
      const intake = loadConfig({}).intakeQueue;
      expect(evaluate('local.intake_queue')).toBe(intake);
      expect(evaluate('sort(local.intake_queue_names)')).toEqual([intake, `${intake}-poison`]);
      expect(evaluate('local.intake_queue_names', ['create_storage=false'])).toEqual([]);
      // A pool on the intake queue (or its poison queue) fails the plan, as loadConfig refuses the first.
      expect(evaluate('local.intake_ok')).toBe(true);
      expect(evaluate('local.intake_ok', ['worker_pools=["Requests"]'])).toBe(false);
      expect(() => loadConfig({ CLOUDO_WORKER_POOLS: 'Requests' })).toThrow(/intake queue/);
      expect(evaluate('local.intake_ok', ['worker_pools=["requests-poison"]'])).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasTerraform)('evaluates the Key Vault references with terraform console', () => {
    const all = locals(moduleFiles());
    const vaultId =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-other/providers/Microsoft.KeyVault/vaults/kv-cloudo';
    const names = { APPROVAL_SECRET: 'cloudo-approval-secret', OPSGENIE_API_KEY: 'cloudo-opsgenie-api-key' };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-tf-'));
    try {
      writeFileSync(
        path.join(dir, 'main.tf'),
        [
          'variable "key_vault_id" {',
          `  default = ${JSON.stringify(vaultId)}`,
          '}',
          'variable "key_vault_secret_names" {',
          `  default = ${JSON.stringify(names)}`,
          '}',
          'locals {',
          `  key_vault_name       = ${expression(all['key_vault_name'])}`,
          `  key_vault_references = ${expression(all['key_vault_references'])}`,
          '}',
          '',
        ].join('\n'),
      );
      const run = (args: string[], input?: string) =>
        spawnSync('terraform', args, { cwd: dir, env: TF_ENV, encoding: 'utf8', input, timeout: 60_000 });
      expect(run(['init', '-backend=false', '-input=false']).status).toBe(0);
      const out = run(['console'], 'jsonencode(local.key_vault_references)\n');
      expect(out.status, out.stderr).toBe(0);
      // App Service's reference syntax by vault name; versionless, so a new secret version is picked up.
      expect(JSON.parse(JSON.parse(out.stdout.trim()) as string)).toEqual({
        APPROVAL_SECRET: '@Microsoft.KeyVault(VaultName=kv-cloudo;SecretName=cloudo-approval-secret)',
        OPSGENIE_API_KEY: '@Microsoft.KeyVault(VaultName=kv-cloudo;SecretName=cloudo-opsgenie-api-key)',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('seeds mappings only through the ClouDO CLI, on the storage the app uses', () => {
    const seed = readFileSync(path.join(IAC, 'modules/cloudo/seed.tf'), 'utf8');
    const bin = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: { cloudo: string } }).bin
      .cloudo;
    expect(seed).toContain(`command     = "node ${bin} schemas apply"`);
    expect(seed).toMatch(/AzureWebJobsStorage__accountName = local\.storage_account_name/);
    expect(seed).not.toMatch(/azurerm_storage_table_entity/);
  });

  it('disables shared keys and posts alerts in the common alert schema', () => {
    const accounts = named(parsed, 'resource', 'azurerm_storage_account');
    expect(accounts.length).toBeGreaterThan(0);
    for (const a of accounts) expect(a.body['shared_access_key_enabled'], `${a.file} ${a.name}`).toBe(false);
    // The account got a count with create_storage; the moved block keeps existing deployments from replacing it.
    const account = theOne(named(moduleFiles(), 'resource', 'azurerm_storage_account'), 'one storage account').body;
    expect(account['count']).toBe('${var.create_storage ? 1 : 0}');
    expect(moduleFiles().flatMap(({ doc }) => bodies(doc['moved']))).toContainEqual({
      from: '${azurerm_storage_account.this}',
      to: '${azurerm_storage_account.this[0]}',
    });

    const groups = named(parsed, 'resource', 'azurerm_monitor_action_group');
    const receivers = groups.flatMap((g) => bodies(g.body['webhook_receiver']));
    expect(receivers.length).toBeGreaterThan(0);
    for (const r of receivers) expect(r['use_common_alert_schema']).toBe(true);
    expect(text(receivers[0]!['service_uri'])).toBe('${local.trigger_url}');
    expect(text(locals(moduleFiles())['trigger_url'])).toMatch(/\/api\/Trigger\?code=\$\{urlencode\(/);
  });

  it('marks outputs holding the trigger URL sensitive and outputs no credential', () => {
    const outputs = named(parsed, 'output');
    for (const name of [
      'app_url',
      'action_group_id',
      'trigger_url',
      'identity_client_id',
      'runbook_identity_client_id',
      'storage_account_name',
      'intake_queue_name',
    ])
      expect(
        outputs.filter((o) => o.file.includes('modules') && o.name === name),
        name,
      ).toHaveLength(1);
    for (const o of outputs) {
      const value = text(o.body['value']);
      if (/trigger_url|function_app_host_keys|function_key/.test(value))
        expect(o.body['sensitive'], `${o.file} output ${o.name}`).toBe(true);
      expect(value, `${o.file} output ${o.name}`).not.toMatch(
        /var\.(opsgenie_api_key|approval_secret|chat_webhook_url|registry_password|function_key)|secret_settings/,
      );
    }
  });

  it('describes every variable and marks credential-like ones sensitive', () => {
    const variables = named(parsed, 'variable');
    expect(variables.length).toBeGreaterThan(20);
    const undescribed = variables.filter(
      (v) => typeof v.body['description'] !== 'string' || v.body['description'] === '',
    );
    expect(undescribed.map((v) => `${v.file} ${v.name}`)).toEqual([]);
    const exposed = variables.filter(
      (v) => SECRET_NAME.test(v.name) && !NOT_SECRETS.has(v.name) && v.body['sensitive'] !== true,
    );
    expect(exposed.map((v) => `${v.file} ${v.name}`)).toEqual([]);
  });

  it.skipIf(!hasTerraform)('is formatted as terraform fmt formats it', () => {
    const out = spawnSync('terraform', ['fmt', '-check', '-recursive', 'iac'], {
      cwd: ROOT,
      env: TF_ENV,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.status, `not formatted:\n${out.stdout}${out.stderr}`).toBe(0);
  });
});

// Sign-in with Entra ID (issue 14, "Who may do what"): the app registration and its roles, App Service authentication
// in front of the app, and CLOUDO_AUTH, which tells ClouDO whether to trust the platform's X-MS-CLIENT-PRINCIPAL.
describe('terraform sign-in with Entra ID (iac/)', () => {
  const ROLES = ['ClouDO.Reader', 'ClouDO.Operator', 'ClouDO.Approver', 'ClouDO.Admin'];
  const EXCLUDED = ['/api/Trigger', '/api/Trigger/*', '/api/health'];
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const ON = 'var.enable_sign_in ? 1 : 0';

  const resource = (type: string, name = 'this'): Body =>
    theOne(
      named(moduleFiles(), 'resource', type).filter((r) => r.name === name),
      `${type}.${name}`,
    ).body;
  const dynamicBlock = (body: Body, name: string): Body =>
    theOne(bodies(field(body, 'dynamic')[name]), `one dynamic "${name}"`);
  const content = (dyn: Body): Body => theOne(bodies(dyn['content']), 'one content block');
  const moduleVariable = (name: string): Body =>
    theOne(
      named(moduleFiles(), 'variable').filter((v) => v.name === name),
      `variable ${name}`,
    ).body;
  const authBlock = (): { dyn: Body; auth: Body } => {
    const dyn = dynamicBlock(appSettings().app, 'auth_settings_v2');
    return { dyn, auth: content(dyn) };
  };

  /** The HTTP functions: route and authLevel, read from functions/*.ts. */
  function httpFunctions(): { file: string; route: string; authLevel: string }[] {
    const dir = path.join(ROOT, 'functions');
    return readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((file) => {
        const src = readFileSync(path.join(dir, file), 'utf8');
        const route = /route:\s*'([^']+)'/.exec(src)?.[1];
        const authLevel = /authLevel:\s*'([^']+)'/.exec(src)?.[1];
        return route === undefined ? [] : [{ file, route, authLevel: authLevel ?? 'function' }];
      });
  }
  /** Paths a route answers, with and without its optional parameters: 'logs/{execId?}' → /api/logs, /api/logs/x. */
  function samplePaths(route: string): string[] {
    const segments = route.split('/');
    const required = segments.filter((s) => !/^\{\w+\?\}$/.test(s)).map((s) => s.replace(/^\{\w+\}$/, 'x'));
    const all = segments.map((s) => s.replace(/^\{\w+\??\}$/, 'x'));
    return [...new Set([required, all].map((parts) => `/api/${parts.join('/')}`))];
  }
  const isExcluded = (p: string, excluded: readonly string[]): boolean =>
    excluded.some((e) => (e.endsWith('/*') ? p.startsWith(e.slice(0, -1)) : p === e));

  it('registers an app with exactly ClouDO’s four roles, for users and for applications, with fixed ids', () => {
    const app = resource('azuread_application');
    expect(app['count']).toBe(`\${${ON}}`);
    const dyn = dynamicBlock(app, 'app_role');
    expect(dyn['for_each']).toBe('${local.app_roles}');
    expect(content(dyn)).toEqual({
      allowed_member_types: ['User', 'Application'],
      description: '${app_role.value.description}',
      display_name: '${app_role.value.display_name}',
      enabled: true,
      id: '${app_role.value.id}',
      value: '${app_role.key}',
    });
    expect(bodies(app['app_role'])).toEqual([]); // no role outside the four
    const roles = field(locals(moduleFiles()), 'app_roles');
    expect(Object.keys(roles).sort()).toEqual([...ROLES].sort());
    const ids = Object.values(roles).map((r) => (isBody(r) ? r['id'] : undefined));
    for (const id of ids) expect(String(id)).toMatch(UUID);
    expect(new Set(ids).size).toBe(ROLES.length);
    for (const [value, role] of Object.entries(roles)) {
      expect(isBody(role) && typeof role['description'] === 'string' && role['description'].length > 0, value).toBe(
        true,
      );
      expect(isBody(role) && role['display_name'], value).toBe(value.replace('.', ' '));
    }
    // The scope people's tokens carry shares the namespace of role values: it must not be one of them.
    const api = theOne(bodies(app['api']), 'one api block');
    expect(api['requested_access_token_version']).toBe(2);
    const scope = theOne(bodies(api['oauth2_permission_scope']), 'one oauth2_permission_scope');
    expect(ROLES).not.toContain(scope['value']);
    expect(String(locals(moduleFiles())['user_impersonation_scope_id'])).toMatch(UUID);
    expect(ids).not.toContain(locals(moduleFiles())['user_impersonation_scope_id']);
  });

  it('gives the app an api:// identifier URI, a service principal that requires a role, and the roles of role_assignments', () => {
    const all = locals(moduleFiles());
    const app = resource('azuread_application');
    expect(all['sign_in_identifier_uri']).toBe('api://${var.name}');
    expect(app['identifier_uris']).toEqual(['${local.sign_in_identifier_uri}']);
    expect(app['sign_in_audience']).toBe('AzureADMyOrg');
    // Browser sign-in comes back to App Service authentication's callback; no client secret anywhere.
    expect(text(all['sign_in_redirect_uris'])).toContain('.azurewebsites.net/.auth/login/aad/callback');
    expect(named(moduleFiles(), 'resource', 'azuread_application_password')).toEqual([]);
    expect(text(app)).not.toMatch(/password/);

    const sp = resource('azuread_service_principal');
    expect(sp).toMatchObject({
      count: `\${${ON}}`,
      client_id: '${azuread_application.this[0].client_id}',
      app_role_assignment_required: true,
    });
    const assignment = resource('azuread_app_role_assignment');
    expect(assignment).toEqual({
      for_each: '${var.enable_sign_in ? local.role_assignment_pairs : {}}',
      app_role_id: '${local.app_roles[each.value.role].id}',
      principal_object_id: '${each.value.principal_id}',
      resource_object_id: '${azuread_service_principal.this[0].object_id}',
    });
    expect(squash(expression(all['role_assignment_pairs']))).toContain('var.role_assignments');
    // The Azure CLI may get tokens for the scope without a consent prompt.
    expect(resource('azuread_application_pre_authorized', 'azure_cli')).toMatchObject({
      count: `\${${ON}}`,
      authorized_client_id: '${local.azure_cli_client_id}',
      permission_ids: ['${local.user_impersonation_scope_id}'],
    });
    expect(all['azure_cli_client_id']).toBe('04b07795-8ddb-461a-bbee-02f9e1bf7b46');
  });

  it('validates role_assignments: only the four role names, Entra object ids', () => {
    const variable = moduleVariable('role_assignments');
    expect(variable['type']).toBe('${map(list(string))}');
    expect(variable['default']).toEqual({});
    const conditions = bodies(variable['validation']).map((v) => squash(expression(v['condition'])));
    const roleCheck = theOne(
      conditions.filter((c) => c.includes('keys(var.role_assignments)')),
      'one validation of the role names',
    );
    const listed = /contains\(\[([^\]]*)\], role\)/.exec(roleCheck)?.[1];
    expect(JSON.parse(`[${listed ?? ''}]`)).toEqual(ROLES);
    expect(conditions.some((c) => c.includes('values(var.role_assignments)') && c.includes('regex('))).toBe(true);
    // Roles without sign-in have nowhere to go: the plan says so.
    const preconditions = bodies(bodies(appSettings().app['lifecycle'])[0]?.['precondition']);
    expect(preconditions.map((p) => squash(expression(p['condition'])))).toContain(
      'var.enable_sign_in || length(var.role_assignments) == 0',
    );
  });

  it('puts App Service authentication in front of the app: sign-in required, Entra ID v2, the registration’s client id', () => {
    const { app } = appSettings();
    expect(app['auth_settings']).toBeUndefined();
    expect(app['auth_settings_v2']).toBeUndefined(); // only the dynamic block, gone with enable_sign_in = false
    const { dyn, auth } = authBlock();
    expect(dyn['for_each']).toBe('${var.enable_sign_in ? [1] : []}');
    expect(auth).toMatchObject({
      auth_enabled: true,
      require_authentication: true,
      // Browsers go to the sign-in page; Return401 would leave them no way to sign in.
      unauthenticated_action: 'RedirectToLoginPage',
      default_provider: 'azureactivedirectory',
    });
    const aad = theOne(bodies(auth['active_directory_v2']), 'one active_directory_v2 block');
    expect(aad['client_id']).toBe('${azuread_application.this[0].client_id}');
    expect(aad['tenant_auth_endpoint']).toBe(
      'https://login.microsoftonline.com/${data.azuread_client_config.current[0].tenant_id}/v2.0',
    );
    expect(aad['allowed_audiences']).toEqual([
      '${azuread_application.this[0].client_id}',
      '${local.sign_in_identifier_uri}',
    ]);
    expect(aad['client_secret_setting_name']).toBeUndefined();
    expect(theOne(bodies(auth['login']), 'one login block')['token_store_enabled']).toBe(true);
    // No other identity provider.
    expect(Object.keys(auth).filter((k) => /_v2$/.test(k))).toEqual(['active_directory_v2']);
  });

  it('leaves exactly the keyed and signed routes reachable without sign-in, and guards every route for people', () => {
    const excluded = authBlock().auth['excluded_paths'];
    expect(excluded).toEqual(EXCLUDED);
    const fns = httpFunctions();
    const open = (f: { file: string }) => ['trigger.ts', 'health.ts'].includes(f.file);
    expect(
      fns
        .filter(open)
        .map((f) => f.file)
        .sort(),
    ).toEqual(['health.ts', 'trigger.ts']);
    for (const f of fns) {
      for (const p of samplePaths(f.route)) expect(isExcluded(p, EXCLUDED), `${f.file} ${p}`).toBe(open(f));
    }
    // What stays open carries a credential of its own: a function key, a signed link, or nothing to hide.
    expect(fns.find((f) => f.file === 'trigger.ts')?.authLevel).toBe('function');
    // The platform's health check must reach /api/health.
    const site = bodies(appSettings().app['site_config'])[0] ?? {};
    expect(isExcluded(String(site['health_check_path']), EXCLUDED)).toBe(true);
    // Routes for people that are not functions (yet): the console and other API paths stay behind sign-in.
    for (const p of ['/', '/api/logs', '/api/schedules', '/api/alerts/unmatched', '/api/audit', '/api/runs'])
      expect(isExcluded(p, EXCLUDED), p).toBe(false);
  });

  it('sets CLOUDO_AUTH to easy-auth with sign-in and keys without', () => {
    const { settings, literal } = appSettings();
    expect(literal.has('CLOUDO_AUTH')).toBe(true);
    expect(settings.get('CLOUDO_AUTH')).toBe('${var.enable_sign_in ? "easy-auth" : "keys"}');
    expect(moduleVariable('enable_sign_in')).toMatchObject({ type: '${bool}', default: true });
    expect(resolvedSettings()['CLOUDO_AUTH']).toBe('easy-auth');
  });

  it('creates nothing in Entra ID with enable_sign_in = false', () => {
    // Every azuread_ resource and data source of the module, by type.
    const entra = moduleFiles().flatMap(({ doc }) =>
      ['resource', 'data'].flatMap((kind) =>
        Object.entries(field(doc, kind)).flatMap(([type, byName]) =>
          type.startsWith('azuread_') && isBody(byName)
            ? Object.values(byName).flatMap((v) => bodies(v).map((b) => ({ type, b })))
            : [],
        ),
      ),
    );
    expect(entra.map((e) => e.type).sort()).toEqual([
      'azuread_app_role_assignment',
      'azuread_application',
      'azuread_application_pre_authorized',
      'azuread_client_config',
      'azuread_service_principal',
    ]);
    for (const { type, b } of entra)
      expect(text(b['count'] ?? b['for_each']), type).toMatch(/^\$\{var\.enable_sign_in \? /);
  });

  it('outputs the client id, the identifier URI and how to get a token; pins azuread', () => {
    const outputs = named(parsed, 'output');
    const value = (file: string, name: string) =>
      theOne(
        outputs.filter((o) => o.file.includes(file) && o.name === name),
        `${file} output ${name}`,
      ).body['value'];
    expect(value('modules', 'sign_in_client_id')).toBe('${one(azuread_application.this[*].client_id)}');
    expect(value('modules', 'sign_in_identifier_uri')).toBe(
      '${var.enable_sign_in ? local.sign_in_identifier_uri : null}',
    );
    expect(text(value('modules', 'sign_in_token_command'))).toContain(
      'az account get-access-token --resource ${local.sign_in_identifier_uri}',
    );
    for (const name of ['sign_in_client_id', 'sign_in_identifier_uri', 'sign_in_token_command'])
      expect(value('examples', name)).toBe(`\${module.cloudo.${name}}`);

    for (const dir of ['modules/cloudo', 'examples/basic']) {
      const versions = theOne(
        parsed.filter((p) => p.file === path.join('iac', dir, 'versions.tf')),
        `${dir}/versions.tf`,
      ).doc;
      const terraform = theOne(bodies(versions['terraform']), `${dir}: one terraform block`);
      const providers = Object.assign({}, ...bodies(terraform['required_providers'])) as Body;
      expect(providers['azuread'], dir).toEqual({ source: 'hashicorp/azuread', version: '~> 3.0' });
    }
    // The example passes the roles through and configures the provider.
    const example = theOne(
      named(parsed, 'module').filter((m) => m.name === 'cloudo'),
      'module cloudo',
    ).body;
    expect(example).toMatchObject({
      enable_sign_in: '${var.enable_sign_in}',
      role_assignments: '${var.role_assignments}',
    });
    expect(
      parsed.some(
        ({ file, doc }) => file.includes('examples') && bodies(field(doc, 'provider')['azuread']).length === 1,
      ),
    ).toBe(true);
    const tfvars = readFileSync(path.join(IAC, 'examples/basic/terraform.tfvars.example'), 'utf8');
    for (const role of ROLES) expect(tfvars).toContain(`"${role}"`);
  });

  it.skipIf(!hasTerraform)(
    'evaluates CLOUDO_AUTH, the auth block and the role validation with terraform console',
    () => {
      const variable = moduleVariable('role_assignments');
      const { dyn } = authBlock();
      const validations = bodies(variable['validation'])
        .map((v) =>
          [
            '  validation {',
            `    condition     = ${expression(v['condition'])}`,
            `    error_message = ${JSON.stringify(v['error_message'])}`,
            '  }',
          ].join('\n'),
        )
        .join('\n');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-tf-'));
      try {
        writeFileSync(
          path.join(dir, 'main.tf'),
          [
            'variable "enable_sign_in" {',
            '  type    = bool',
            '  default = true',
            '}',
            'variable "role_assignments" {',
            '  type    = map(list(string))',
            '  default = {}',
            validations,
            '}',
            'locals {',
            `  cloudo_auth = ${expression(appSettings().settings.get('CLOUDO_AUTH'))}`,
            `  auth_blocks = length(${expression(dyn['for_each'])})`,
            `  role_assignment_pairs = ${expression(locals(moduleFiles())['role_assignment_pairs'])}`,
            '}',
            '',
          ].join('\n'),
        );
        const { run, evaluate } = terraformIn(dir);
        expect(run(['init', '-backend=false', '-input=false']).status).toBe(0);
        expect(evaluate('[local.cloudo_auth, local.auth_blocks]')).toEqual(['easy-auth', 1]);
        expect(evaluate('[local.cloudo_auth, local.auth_blocks]', ['enable_sign_in=false'])).toEqual(['keys', 0]);

        const group = '3b6cc904-ab44-4c86-be98-b3817ccde527';
        const pipeline = 'eb4aa56b-bf01-42ee-b50d-8bd60cc1ff85';
        expect(
          evaluate('sort(keys(local.role_assignment_pairs))', [
            `role_assignments={"ClouDO.Reader"=["${group}"],"ClouDO.Operator"=["${group}","${pipeline}"]}`,
          ]),
        ).toEqual([`ClouDO.Operator|${group}`, `ClouDO.Operator|${pipeline}`, `ClouDO.Reader|${group}`]);
        // A plan with nothing to plan still validates the variables, and fails on a wrong one.
        const plan = (value: string) =>
          run(['plan', '-input=false', '-lock=false', '-no-color', '-var', `role_assignments=${value}`]);
        const valid = plan(`{"ClouDO.Admin"=["${group}"],"ClouDO.Approver"=["${pipeline}"]}`);
        expect(valid.status, valid.stderr).toBe(0);
        const unknownRole = plan(`{"ClouDO.Owner"=["${group}"]}`);
        expect(unknownRole.status).not.toBe(0);
        expect(squash(unknownRole.stderr)).toContain('role_assignments: keys among ClouDO.Reader');
        const notAnId = plan('{"ClouDO.Admin"=["alice@example.com"]}');
        expect(notAnId.status).not.toBe(0);
        expect(squash(notAnId.stderr)).toContain('Entra object id');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

// ClouDO alerts on itself (issue 16): alert rules on ClouDO's own health, routed to the operators' action groups and
// never back into ClouDO, and the workbook, both read from ClouDO's OpenTelemetry metrics by name.
describe('terraform: ClouDO alerts on itself (iac/)', () => {
  // The telemetry contract: every metric ClouDO exports, with its attributes. A query may name only these.
  const METRICS: Readonly<Record<string, readonly string[]>> = {
    'cloudo.runs.requested': ['mapping', 'trigger', 'outcome'],
    'cloudo.runs.finished': ['mapping', 'trigger', 'status'],
    'cloudo.run.duration': ['mapping', 'status'],
    'cloudo.run.queue_time': ['mapping'],
    'cloudo.http.accept_duration': ['route', 'status_code'],
    'cloudo.http.shed': ['route'],
    'cloudo.pages.delivery_failures': ['channel'],
    'cloudo.pages.owed': [],
    'cloudo.pages.oldest_owed_seconds': [],
    'cloudo.approvals.waiting': [],
    'cloudo.runs.overdue': [],
    'cloudo.queue.poison_messages': ['queue'],
  };
  // Values of the attributes with a closed set, as the contract lists them.
  const ATTRIBUTE_VALUES: Readonly<Record<string, readonly string[]>> = {
    trigger: ['manual', 'azure-monitor', 'alertmanager', 'schedule', 'intake'],
    outcome: ['queued', 'pending_approval', 'throttled', 'skipped', 'refused'],
    status: ['succeeded', 'failed', 'timed_out', 'error', 'cancelled', 'skipped', 'rejected', 'expired'],
  };
  const LOG_RULES = ['pages_owed', 'poison_messages', 'run_failure_rate', 'runs_overdue'];
  const METRIC_RULES = ['function_exceptions', 'http_5xx'];
  const ROUTES = 'var.self_alert_action_group_ids';
  const TEMPLATE = path.join(MODULE, 'workbook.json.tftpl');
  // Inputs the rules' data reads, at the module's defaults, for terraform console.
  const SELF_ALERT_INPUTS: Readonly<Record<string, number | string>> = {
    self_alert_page_owed_seconds: 600,
    self_alert_failure_rate: 0.2,
    self_alert_failure_min_runs: 10,
    self_alert_error_threshold: 5,
    stand_in: '/subscriptions/x/stand-in',
  };

  // One resource of each kind builds its rules from a locals map of their differences, keyed as self_alert_rule_ids.
  const LOG_ALERT = 'azurerm_monitor_scheduled_query_rules_alert_v2';
  const METRIC_ALERT = 'azurerm_monitor_metric_alert';
  const KINDS = [
    { type: LOG_ALERT, local: 'self_alert_queries', keys: LOG_RULES },
    { type: METRIC_ALERT, local: 'self_alert_metrics', keys: METRIC_RULES },
  ] as const;

  const rules = (type: string) => named(moduleFiles(), 'resource', type);
  /** The one resource of a type that builds every self-alert of its kind. */
  const alertResource = (type: string) => theOne(rules(type), `one ${type}`);
  /** A kind's rules as data, by key: the locals map its resource iterates. */
  const ruleData = (local: string): Record<string, Body> => {
    const map = locals(moduleFiles())[local];
    expect(isBody(map), `local.${local} is a literal map`).toBe(true);
    return Object.fromEntries(Object.entries(isBody(map) ? map : {}).map(([k, v]) => [k, isBody(v) ? v : {}]));
  };
  const rule = (local: string, key: string): Body => {
    const data = ruleData(local);
    expect(Object.keys(data), `local.${local}`).toContain(key);
    return data[key] ?? {};
  };
  const moduleVariable = (name: string): Body =>
    theOne(
      named(moduleFiles(), 'variable').filter((v) => v.name === name),
      `variable ${name}`,
    ).body;
  const dynamic = (body: Body, block: string): Body =>
    theOne(bodies(field(body, 'dynamic')[block]), `one dynamic "${block}"`);
  const dynamicAction = (body: Body): Body => dynamic(body, 'action');
  const actionContent = (body: Body): Body => theOne(bodies(dynamicAction(body)['content']), 'one content block');
  const criteriaOf = (body: Body): Body => theOne(bodies(body['criteria']), 'one criteria block');

  /** Metric names a KQL query names (cloudo.x.y), and the attributes it reads from customDimensions. */
  const metricNames = (kql: string): string[] => [
    ...new Set([...kql.matchAll(/\bcloudo(?:\.[a-z_]+)+/g)].map((m) => m[0])),
  ];
  const attributes = (kql: string): string[] => [
    ...new Set([...kql.matchAll(/customDimensions\["([^"]+)"\]/g)].map((m) => m[1]!)),
  ];
  /** Holds one query to the contract: known metrics only, their attributes only, known values of closed attributes. */
  function checkQuery(kql: string, what: string): string[] {
    const names = metricNames(kql);
    expect(names.length, `${what} names a metric`).toBeGreaterThan(0);
    expect(
      names.filter((n) => !(n in METRICS)),
      `${what}: metric names outside the contract`,
    ).toEqual([]);
    // Every name is matched as a quoted literal in a filter on the metric name.
    expect(kql, what).toMatch(/^customMetrics\n\| where name (==|in) /);
    for (const n of names) expect(kql, `${what}: "${n}" quoted`).toContain(`"${n}"`);
    const allowed = new Set(names.flatMap((n) => METRICS[n] ?? []));
    expect(
      attributes(kql).filter((a) => !allowed.has(a)),
      `${what}: attributes its metrics do not have`,
    ).toEqual([]);
    for (const [attr, values] of Object.entries(ATTRIBUTE_VALUES)) {
      for (const [, list] of kql.matchAll(new RegExp(`\\b${attr} in \\(([^)]*)\\)`, 'g'))) {
        const used = (JSON.parse(`[${list}]`) as string[]).filter((v) => !values.includes(v));
        expect(used, `${what}: values of ${attr}`).toEqual([]);
      }
      for (const [, value] of kql.matchAll(new RegExp(`\\b${attr} == "([^"]*)"`, 'g')))
        expect(values, `${what}: value of ${attr}`).toContain(value);
    }
    return names;
  }

  it('holds a query to the contract: a good one passes, a wrong name, attribute or value fails', () => {
    const good =
      'customMetrics\n| where name == "cloudo.runs.finished"\n| extend status = tostring(customDimensions["status"])';
    expect(checkQuery(`${good}\n| where status in ("failed", "error")`, 'good')).toEqual(['cloudo.runs.finished']);
    for (const bad of [
      'customMetrics\n| where name == "cloudo.runs.failed"',
      'customMetrics\n| where name == "cloudo.runs.overdue"\n| extend q = tostring(customDimensions["queue"])',
      `${good}\n| where status in ("failed", "crashed")`,
      `${good}\n| where status == "crashed"`,
      'requests\n| where name == "cloudo.runs.finished"',
    ])
      expect(() => checkQuery(bad, 'bad'), bad).toThrow();
  });

  it('keeps the contract’s statuses to ClouDO’s own execution statuses', () => {
    for (const s of ATTRIBUTE_VALUES['status']!) expect(EXECUTION_STATUSES, s).toContain(s);
    for (const t of ['manual', 'azure-monitor', 'alertmanager', 'schedule'])
      expect(ATTRIBUTE_VALUES['trigger']).toContain(t);
  });

  it('has every self-alert rule, each gated by enable_self_alerts, auto-mitigated, with a severity', () => {
    expect(moduleVariable('enable_self_alerts')).toMatchObject({ type: '${bool}', default: true });
    const names: string[] = [];
    for (const { type, local, keys } of KINDS) {
      const { body, file } = alertResource(type);
      expect(file, type).toBe(path.join('iac', 'modules', 'cloudo', 'self-alerts.tf'));
      // All of a kind's rules, or none of them.
      expect(body['for_each'], type).toBe(`\${var.enable_self_alerts ? local.${local} : {}}`);
      expect(body['count'], type).toBeUndefined();
      expect(body['name'], type).toBe('${var.name}-${each.value.name}');
      expect(body['severity'], type).toBe('${each.value.severity}');
      expect(body['description'], type).toBe('${each.value.description}');
      expect(body['auto_mitigation_enabled'] ?? body['auto_mitigate'], type).toBe(true);
      const data = ruleData(local);
      expect(Object.keys(data).sort(), `local.${local}`).toEqual(keys);
      for (const [key, r] of Object.entries(data)) {
        // The Azure resource is <name>-<key in kebab case>: poison_messages is ${var.name}-poison-messages.
        expect(r['name'], key).toBe(key.replace(/_/g, '-'));
        expect(r['severity'], key).toEqual(expect.any(Number));
        expect(r['severity'] as number, key).toBeGreaterThanOrEqual(0);
        expect(r['severity'] as number, key).toBeLessThanOrEqual(4);
        expect(typeof r['description'] === 'string' && r['description'].length > 0, key).toBe(true);
        names.push(text(r['name']));
      }
    }
    expect(new Set(names).size).toBe(names.length);
    expect(alertResource(LOG_ALERT).body['display_name']).toBe('ClouDO ${var.name}: ${each.value.title}');
    for (const [key, r] of Object.entries(ruleData('self_alert_queries')))
      expect(typeof r['title'] === 'string' && r['title'].length > 0, key).toBe(true);
  });

  it('routes every rule to self_alert_action_group_ids, never to ClouDO’s own action group', () => {
    const log = alertResource(LOG_ALERT).body;
    expect(bodies(log['action']), 'only the dynamic action').toEqual([]);
    expect(dynamicAction(log)['for_each']).toBe(`\${length(${ROUTES}) > 0 ? [1] : []}`);
    expect(actionContent(log)).toEqual({ action_groups: `\${${ROUTES}}` });
    const metric = alertResource(METRIC_ALERT).body;
    expect(bodies(metric['action']), 'only the dynamic action').toEqual([]);
    expect(dynamicAction(metric)['for_each']).toBe(`\${toset(${ROUTES})}`);
    expect(actionContent(metric)).toEqual({ action_group_id: '${action.value}' });
    // Nothing that routes alerts in the module names ClouDO's action group or its webhook, nor does a rule's data.
    for (const { type, local } of KINDS) {
      const { body } = alertResource(type);
      expect(text(field(body, 'dynamic')['action']), type).not.toMatch(/azurerm_monitor_action_group|trigger_url/);
      expect(text(ruleData(local)), local).not.toMatch(/azurerm_monitor_action_group|trigger_url|action_group/);
      // The plan fails when the operators' list names ClouDO's own action group.
      const preconditions = bodies(bodies(body['lifecycle'])[0]?.['precondition']);
      expect(
        preconditions.map((p) => p['condition']),
        type,
      ).toContain('${local.self_alert_routes_separate}');
      expect(
        preconditions.map((p) => p['error_message']),
        type,
      ).toContain('${local.self_alert_routes_error}');
    }
    expect(text(locals(moduleFiles())['self_alert_routes_error'])).toContain(
      "ClouDO's own action group (${var.name}-ag)",
    );
    const all = locals(moduleFiles());
    const separate = squash(expression(all['self_alert_routes_separate']));
    expect(separate).toContain(`for id in ${ROUTES}`);
    expect(separate).toContain('azurerm_monitor_action_group.this[*].id');
    expect(separate).toContain('local.own_action_group_suffix');
    expect(expression(all['own_action_group_suffix'])).toContain('/actionGroups/${var.name}-ag');
    // ClouDO's own action group is named <name>-ag: the suffix above must follow it.
    const group = theOne(named(moduleFiles(), 'resource', 'azurerm_monitor_action_group'), 'ClouDO’s action group');
    expect(group.body['name']).toBe('${var.name}-ag');

    const routes = moduleVariable('self_alert_action_group_ids');
    expect(routes).toMatchObject({ type: '${list(string)}', default: [] });
    expect(text(routes['description'])).toMatch(/never ClouDO's own action group/);
    const validation = theOne(bodies(routes['validation']), 'one validation');
    expect(text(validation['condition'])).toContain('Microsoft\\\\.Insights/actionGroups/');
  });

  it('queries only ClouDO’s metrics, by the contract’s names and attributes, from App Insights', () => {
    const { body } = alertResource(LOG_ALERT);
    expect(body['scopes']).toEqual(['${azurerm_application_insights.this.id}']);
    expect(body['evaluation_frequency']).toBe('${each.value.evaluation_frequency}');
    expect(body['window_duration']).toBe('${each.value.window_duration}');
    const criteria = criteriaOf(body);
    // A number per evaluation compared with a threshold; without a timestamp column, one evaluation period.
    expect(criteria).toMatchObject({
      query: '${each.value.query}',
      time_aggregation_method: 'Maximum',
      metric_measure_column: '${each.value.measure}',
      operator: '${each.value.operator}',
      threshold: '${each.value.threshold}',
    });
    expect(theOne(bodies(criteria['failing_periods']), 'failing_periods')).toEqual({
      minimum_failing_periods_to_trigger_alert: 1,
      number_of_evaluation_periods: 1,
    });
    // A rule with a dimension is one alert per value of that column; one without has no dimension block.
    expect(bodies(criteria['dimension']), 'only the dynamic dimension').toEqual([]);
    const dimension = dynamic(criteria, 'dimension');
    expect(dimension['for_each']).toBe('${each.value.dimension == null ? [] : [each.value.dimension]}');
    expect(theOne(bodies(dimension['content']), 'one content block')).toEqual({
      name: '${dimension.value}',
      operator: 'Include',
      values: ['*'],
    });

    const minutes = (d: unknown) => {
      const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(text(d));
      return Number(m?.[1] ?? 0) * 60 + Number(m?.[2] ?? 0);
    };
    const charted = new Set<string>();
    for (const [key, r] of Object.entries(ruleData('self_alert_queries'))) {
      const kql = String(r['query']);
      for (const n of checkQuery(kql, key)) charted.add(n);
      expect(kql, `${key} yields ${String(r['measure'])}`).toMatch(new RegExp(`\\b${String(r['measure'])} =`));
      expect(r['operator'], key).toBe('GreaterThan');
      expect(minutes(r['evaluation_frequency']), key).toBeGreaterThan(0);
      expect(minutes(r['window_duration']), key).toBeGreaterThanOrEqual(minutes(r['evaluation_frequency']));
      if (r['dimension'] !== null) expect(kql, `${key} by ${String(r['dimension'])}`).toMatch(/ by \w+\n$/);
    }
    expect([...charted].sort()).toEqual(
      [
        'cloudo.pages.oldest_owed_seconds',
        'cloudo.queue.poison_messages',
        'cloudo.runs.finished',
        'cloudo.runs.overdue',
      ].sort(),
    );
    // One alert per poison queue; the other rules are one number each.
    const dimensions = Object.fromEntries(
      Object.entries(ruleData('self_alert_queries')).map(([key, r]) => [key, r['dimension']]),
    );
    expect(dimensions).toEqual({
      poison_messages: 'queue',
      runs_overdue: null,
      pages_owed: null,
      run_failure_rate: null,
    });
    expect(String(rule('self_alert_queries', 'poison_messages')['query'])).toContain('by queue\n');
  });

  it('alerts on the failure rate above self_alert_failure_rate, with a minimum of finished runs', () => {
    const rate = rule('self_alert_queries', 'run_failure_rate');
    expect(rate).toMatchObject({ threshold: '${var.self_alert_failure_rate}', operator: 'GreaterThan' });
    const kql = String(rate['query']);
    expect(kql).toContain('| where ended >= ${var.self_alert_failure_min_runs}');
    // Failures over runs that ended on their own; decisions (cancelled, skipped, rejected, expired) on neither side.
    const lists = [...kql.matchAll(/status in \(([^)]*)\)/g)].map((m) => JSON.parse(`[${m[1]}]`) as string[]);
    expect(lists).toEqual([
      ['succeeded', 'failed', 'timed_out', 'error'],
      ['failed', 'timed_out', 'error'],
    ]);
    expect(moduleVariable('self_alert_failure_rate')).toMatchObject({ type: '${number}', default: 0.2 });
    expect(moduleVariable('self_alert_failure_min_runs')).toMatchObject({ type: '${number}' });
    expect(rule('self_alert_queries', 'pages_owed')['threshold']).toBe('${var.self_alert_page_owed_seconds}');
    expect(moduleVariable('self_alert_page_owed_seconds')['default']).toBe(600);
    for (const v of [
      'self_alert_failure_rate',
      'self_alert_failure_min_runs',
      'self_alert_page_owed_seconds',
      'self_alert_error_threshold',
    ])
      expect(bodies(moduleVariable(v)['validation']).length, v).toBeGreaterThan(0);
  });

  it('alerts on the Function App’s own errors with platform metrics', () => {
    const { body } = alertResource(METRIC_ALERT);
    expect(body['scopes']).toEqual(['${each.value.scope}']);
    expect(criteriaOf(body)).toEqual({
      metric_namespace: '${each.value.metric_namespace}',
      metric_name: '${each.value.metric_name}',
      aggregation: '${each.value.aggregation}',
      operator: 'GreaterThan',
      threshold: '${var.self_alert_error_threshold}',
    });
    expect(rule('self_alert_metrics', 'function_exceptions')).toMatchObject({
      metric_namespace: 'microsoft.insights/components',
      metric_name: 'exceptions/count',
      scope: '${azurerm_application_insights.this.id}',
    });
    expect(rule('self_alert_metrics', 'http_5xx')).toMatchObject({
      metric_namespace: 'Microsoft.Web/sites',
      metric_name: 'Http5xx',
      scope: '${azurerm_linux_function_app.this.id}',
    });
  });

  it('builds the workbook from a JSON template that charts only ClouDO’s metrics, and every one of them', () => {
    const workbook = theOne(named(moduleFiles(), 'resource', 'azurerm_application_insights_workbook'), 'workbook').body;
    expect(workbook['count']).toBe('${var.enable_workbook ? 1 : 0}');
    expect(moduleVariable('enable_workbook')).toMatchObject({ type: '${bool}', default: true });
    expect(text(workbook['name'])).toMatch(/^\$\{uuidv5\("url", /);
    expect(workbook['source_id']).toBe('${lower(azurerm_application_insights.this.id)}');
    const dataJson = squash(expression(workbook['data_json']));
    expect(dataJson).toMatch(/^templatefile\("\$\{path\.module\}\/workbook\.json\.tftpl", \{/);
    const passed = [...dataJson.matchAll(/(\w+) = /g)].map((m) => m[1]!).sort();

    const raw = readFileSync(TEMPLATE, 'utf8');
    // Template syntax only as ${name} inside JSON strings, and only names templatefile passes.
    expect(raw).not.toContain('%{');
    const placeholders = [...new Set([...raw.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!))].sort();
    expect(placeholders).toEqual(passed);
    JSON.parse(raw); // valid JSON as it stands
    const rendered = raw.replace(/\$\{(\w+)\}/g, (_, k: string) =>
      k === 'failure_rate' ? '0.2' : k === 'page_owed_seconds' ? '600' : `/subscriptions/x/${k}`,
    );
    const doc = JSON.parse(rendered) as { version: string; items: Body[]; fallbackResourceIds: string[] };
    expect(doc.version).toBe('Notebook/1.0');
    expect(JSON.parse(raw).fallbackResourceIds).toEqual(['${app_insights_id}']);

    const queries = doc.items
      .filter((i) => i['type'] === 3)
      .map((i) => ({ name: String(i['name']), c: field(i, 'content') }));
    expect(queries.length).toBeGreaterThanOrEqual(12);
    const charted = new Set<string>();
    for (const { name, c } of queries) {
      expect(c['version'], name).toBe('KqlItem/1.0');
      expect(c['timeContextFromParameter'], name).toBe('TimeRange');
      expect(c['resourceType'], name).toBe('microsoft.insights/components');
      expect(typeof c['title'] === 'string' && c['title'].length > 0, name).toBe(true);
      for (const n of checkQuery(String(c['query']), `workbook ${name}`)) charted.add(n);
    }
    expect([...charted].sort()).toEqual(Object.keys(METRICS).sort());
    const names = doc.items.map((i) => i['name']);
    expect(new Set(names).size).toBe(names.length);
    // The time range every chart follows.
    const params = doc.items.filter((i) => i['type'] === 9).flatMap((i) => bodies(field(i, 'content')['parameters']));
    expect(params.map((p) => p['name'])).toContain('TimeRange');
  });

  it('outputs the rule ids and the workbook, and the example passes them through', () => {
    const outputs = named(parsed, 'output');
    const value = (file: string, name: string) =>
      text(
        theOne(
          outputs.filter((o) => o.file.includes(file) && o.name === name),
          `${file} output ${name}`,
        ).body['value'],
      );
    // Every rule by its key: the keys of the locals maps, which the resources' instances carry.
    const ids = squash(expression(value('modules', 'self_alert_rule_ids')));
    expect(ids).toBe(
      `merge( { for rule, alert in ${LOG_ALERT}.this : rule => alert.id }, { for rule, alert in ${METRIC_ALERT}.this : rule => alert.id }, )`,
    );
    const described = text(
      theOne(
        outputs.filter((o) => o.file.includes('modules') && o.name === 'self_alert_rule_ids'),
        'self_alert_rule_ids',
      ).body['description'],
    );
    for (const r of [...LOG_RULES, ...METRIC_RULES]) expect(described).toContain(r);
    expect(value('modules', 'workbook_id')).toBe('${one(azurerm_application_insights_workbook.this[*].id)}');
    expect(value('modules', 'workbook_url')).toContain('azurerm_application_insights_workbook.this[*].id');
    for (const name of ['self_alert_rule_ids', 'workbook_url'])
      expect(value('examples', name)).toBe(`\${module.cloudo.${name}}`);
    const example = theOne(
      named(parsed, 'module').filter((m) => m.name === 'cloudo'),
      'module cloudo',
    ).body;
    expect(example).toMatchObject({
      enable_self_alerts: '${var.enable_self_alerts}',
      self_alert_action_group_ids: '${var.self_alert_action_group_ids}',
    });
  });

  it.skipIf(!hasTerraform)(
    'evaluates the route check, the rules’ gating and the workbook template with terraform console',
    () => {
      const all = locals(moduleFiles());
      const raw = readFileSync(TEMPLATE, 'utf8');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-tf-'));
      const sub = '/subscriptions/00000000-0000-0000-0000-000000000000';
      try {
        writeFileSync(path.join(dir, 'workbook.json.tftpl'), raw);
        writeFileSync(
          path.join(dir, 'main.tf'),
          [
            'variable "name" {',
            '  default = "cloudo-prod"',
            '}',
            'variable "resource_group_name" {',
            '  default = "rg-cloudo"',
            '}',
            'variable "self_alert_action_group_ids" {',
            '  type    = list(string)',
            '  default = []',
            '}',
            'variable "own_ids" {',
            '  type    = list(string)',
            '  default = []',
            '}',
            'variable "enable_self_alerts" {',
            '  type    = bool',
            '  default = true',
            '}',
            ...Object.entries(SELF_ALERT_INPUTS).flatMap(([name, v]) => [
              `variable "${name}" {`,
              `  default = ${JSON.stringify(v)}`,
              '}',
            ]),
            'locals {',
            // The rules' data as HCL (JSON's object syntax is HCL too), with stand-ins for the resources they scope.
            `  self_alert_queries = ${JSON.stringify(all['self_alert_queries'])}`,
            `  self_alert_metrics = ${JSON.stringify(all['self_alert_metrics']).replace(/\$\{(azurerm_[\w.]+\.id|local\.function_app_name)\}/g, '${var.stand_in}')}`,
            `  log_rules = ${expression(alertResource(LOG_ALERT).body['for_each'])}`,
            `  metric_rules = ${expression(alertResource(METRIC_ALERT).body['for_each'])}`,
            `  own_action_group_suffix = ${expression(all['own_action_group_suffix'])}`,
            `  self_alert_routes_separate = ${expression(all['self_alert_routes_separate']).replace('azurerm_monitor_action_group.this[*].id', 'var.own_ids')}`,
            '  workbook = jsondecode(templatefile("${path.module}/workbook.json.tftpl", { app_insights_id = "/x", name = "n", failure_rate = 0.2, page_owed_seconds = 600 }))',
            '}',
            '',
          ].join('\n'),
        );
        const { run, evaluate } = terraformIn(dir);
        expect(run(['init', '-backend=false', '-input=false']).status).toBe(0);
        expect(evaluate('local.self_alert_routes_separate')).toBe(true);
        const ops = `${sub}/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/ops`;
        const own = `${sub}/resourceGroups/rg-cloudo/providers/Microsoft.Insights/actionGroups/cloudo-prod-ag`;
        expect(evaluate('local.self_alert_routes_separate', [`self_alert_action_group_ids=["${ops}"]`])).toBe(true);
        expect(
          evaluate('local.self_alert_routes_separate', [
            `self_alert_action_group_ids=["${ops}","${own.toLowerCase()}"]`,
          ]),
        ).toBe(false);
        const other = `${sub}/resourceGroups/rg-x/providers/Microsoft.Insights/actionGroups/renamed`;
        expect(
          evaluate('local.self_alert_routes_separate', [
            `self_alert_action_group_ids=["${other}"]`,
            `own_ids=["${other}"]`,
          ]),
        ).toBe(false);
        expect(evaluate('local.workbook.fallbackResourceIds')).toEqual(['/x']);

        // Every rule with enable_self_alerts, by its key and its Azure name; none without.
        const azureNames = (rules: string) => `{ for k, r in local.${rules} : k => "\${var.name}-\${r.name}" }`;
        expect(evaluate(azureNames('log_rules'))).toEqual({
          poison_messages: 'cloudo-prod-poison-messages',
          runs_overdue: 'cloudo-prod-runs-overdue',
          pages_owed: 'cloudo-prod-pages-owed',
          run_failure_rate: 'cloudo-prod-run-failure-rate',
        });
        expect(evaluate(azureNames('metric_rules'))).toEqual({
          function_exceptions: 'cloudo-prod-function-exceptions',
          http_5xx: 'cloudo-prod-http-5xx',
        });
        expect(evaluate('local.log_rules.run_failure_rate.query')).toContain('| where ended >= 10\n');
        expect(evaluate('local.log_rules.pages_owed.threshold')).toBe(600);
        expect(evaluate('[local.log_rules, local.metric_rules]', ['enable_self_alerts=false'])).toEqual([{}, {}]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

/** Terraform in a scratch directory: a command, and `terraform console` evaluating an expression to JSON. */
function terraformIn(dir: string) {
  const run = (args: string[], input?: string) =>
    spawnSync('terraform', args, { cwd: dir, env: TF_ENV, encoding: 'utf8', input, timeout: 60_000 });
  const evaluate = (expr: string, vars: string[] = []): unknown => {
    const out = run(['console', ...vars.flatMap((v) => ['-var', v])], `jsonencode(${expr})\n`);
    expect(out.status, out.stderr).toBe(0);
    return JSON.parse(JSON.parse(out.stdout.trim()) as string);
  };
  return { run, evaluate };
}
