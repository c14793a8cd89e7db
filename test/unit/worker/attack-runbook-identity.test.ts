// Attack: in the Terraform module's deployment, runbooks acted as the one identity that also held ClouDO's secrets and
// state: `az login --identity`, then read APPROVAL_SECRET and OPSGENIE_API_KEY from the Key Vault, or rewrite records.
// Now runbooks get neither ClouDO's identity variables nor its identity's roles: they act as an identity of their own.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config';

const MODULE = path.resolve(__dirname, '../../../iac/modules/cloudo');
// Roles that reach ClouDO's own credentials (Key Vault references), records and queues, and the host's keys (blobs).
const OWN_SECRETS_AND_STATE = new Set([
  'Key Vault Secrets User',
  'Storage Table Data Contributor',
  'Storage Queue Data Contributor',
  'Storage Blob Data Owner',
]);
const RUNBOOK_PRINCIPAL = '${azurerm_user_assigned_identity.runbook.principal_id}';

type Assignment = {
  readonly principal_id?: string;
  readonly role_definition_name?: string;
  readonly for_each?: string;
};

/** The role names of one block: its literal name, or those of a `for_each = toset([...])` it takes each.value from. */
function roleNames(b: Assignment): string[] {
  const role = b.role_definition_name ?? '';
  if (role !== '${each.value}') return [role];
  return [...(b.for_each ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

async function roleAssignments(): Promise<Record<string, Assignment[]>> {
  const file = path.join(MODULE, 'identity.tf');
  const doc = (await parse(file, readFileSync(file, 'utf8'))) as {
    resource?: { azurerm_role_assignment?: Record<string, Assignment[]> };
  };
  return doc.resource?.azurerm_role_assignment ?? {};
}

describe('the identity runbooks act as, in the Terraform module', () => {
  it("is not ClouDO's: runbooks inherit none of ClouDO's identity variables, and get a client id of their own", () => {
    const locals = readFileSync(path.join(MODULE, 'locals.tf'), 'utf8');
    expect(locals).toMatch(/CLOUDO_RUNBOOK_CLIENT_ID\s*=\s*azurerm_user_assigned_identity\.runbook\.client_id/);
    const config = loadConfig({
      AZURE_CLIENT_ID: 'x',
      IDENTITY_ENDPOINT: 'http://h',
      IDENTITY_HEADER: 'y',
      MSI_ENDPOINT: 'http://h',
      MSI_SECRET: 'z',
      AZURE_FEDERATED_TOKEN_FILE: '/t',
    });
    expect(config.runbookBaseEnv).toEqual({});
  });

  it('holds no role on ClouDO’s own secrets or state', async () => {
    const assignments = Object.entries(await roleAssignments());
    const runbooks = assignments.flatMap(([name, blocks]) =>
      blocks.filter((b) => b.principal_id === RUNBOOK_PRINCIPAL).map(() => name),
    );
    expect(runbooks).toEqual(['runbook']);
    const own = assignments.flatMap(([name, blocks]) =>
      blocks
        .filter((b) => b.principal_id === RUNBOOK_PRINCIPAL)
        .flatMap((b) => roleNames(b).filter((role) => OWN_SECRETS_AND_STATE.has(role)))
        .map((role) => `${name}: ${role}`),
    );
    expect(own).toEqual([]);
  });
});
