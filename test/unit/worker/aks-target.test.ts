// Unit tests for AKS login settings: the mapping's aks_cluster, the cluster an alert names, and how both are kept.
import { describe, expect, it } from 'vitest';
import { fromEntity, toEntity } from '../../../src/adapters/runs/execution-entity';
import { resolveAksTarget } from '../../../src/domain/worker/aks-target';
import { newExecution } from '../../../src/domain/runs/execution';
import { toMappingView } from '../../../src/domain/mappings/mapping';
import { buildRunbookEnvironment } from '../../../src/domain/worker/runbook-env';
import { MappingValidationError, validateMappingFiles } from '../../../src/services/mappings/apply-mappings';
import { sampleAlert, sampleMapping } from '../../support/fixtures';

const SUB = '11111111-2222-3333-4444-555555555555';
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;

const doc = (entity: Record<string, unknown>) =>
  JSON.stringify([{ partition_key: 'ops', entity: [{ id: 'a', name: 'a', runbook: 'a.sh', ...entity }] }]);

function parse(entity: Record<string, unknown>) {
  const [m] = validateMappingFiles([{ name: 'f.json', text: doc(entity) }]);
  return m!;
}

function problems(entity: Record<string, unknown>): string[] {
  try {
    validateMappingFiles([{ name: 'schemas/bad.json', text: doc(entity) }]);
  } catch (err) {
    if (err instanceof MappingValidationError) return [...err.problems];
    throw err;
  }
  return [];
}

const clusterAlert = (type: string) =>
  sampleAlert({
    resource: { id: CLUSTER_ID, subscriptionId: SUB, resourceGroup: 'rg-alert', name: 'aks-alert', type },
  });

describe('aks_login and aks_cluster in mapping files', () => {
  it('defaults to no login and no cluster', () => {
    expect(parse({})).toMatchObject({ aksLogin: false, aksCluster: null });
  });

  it('takes a managed cluster resource id', () => {
    expect(parse({ aks_login: 'true', aks_cluster: CLUSTER_ID })).toMatchObject({
      aksLogin: true,
      aksCluster: { name: 'aks-prod', resourceGroup: 'rg-aks', subscriptionId: SUB },
    });
  });

  it('takes the object form, subscription optional, and shows it back in that form', () => {
    const m = parse({ aks_login: true, aks_cluster: { name: 'c1', resource_group: 'rg1' } });
    expect(m.aksCluster).toEqual({ name: 'c1', resourceGroup: 'rg1' });
    expect(toMappingView(m)).toMatchObject({ aks_login: true, aks_cluster: { name: 'c1', resource_group: 'rg1' } });
  });

  it.each([
    [{ aks_login: 'yes' }, 'aks_login:'],
    [
      { aks_cluster: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm' },
      'managed cluster',
    ],
    [{ aks_cluster: 42 }, 'aks_cluster: expected a managed cluster resource id or'],
    [{ aks_cluster: { name: 'c1' } }, 'aks_cluster: resource_group:'],
    [{ aks_cluster: { name: '-c1', resource_group: 'rg' } }, 'aks_cluster: name: an AKS cluster name'],
    [
      { aks_cluster: { name: 'c', resource_group: 'rg', subscription: 'nope' } },
      'aks_cluster: subscription: a subscription id',
    ],
    [{ aks_cluster: { name: 'c', resource_group: 'rg', zone: 'x' } }, 'aks_cluster: '],
    [{ aks_login: true, env: { KUBECONFIG: '/x' } }, 'env.KUBECONFIG: set by ClouDO when aks_login is on'],
    [{ env: { AKS_CLUSTER_NAME: 'x' } }, 'env.AKS_CLUSTER_NAME: variable name reserved by ClouDO'],
  ])('rejects %j naming the field', (entity, expected) => {
    const [problem, ...rest] = problems(entity);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^schemas\/bad\.json: partition #1 \("ops"\), entity #1 \(id "a"\): /);
    expect(problem).toContain(expected);
  });

  it('lets a mapping without aks_login set KUBECONFIG itself', () => {
    expect(parse({ env: { KUBECONFIG: '/etc/kube/config' } }).env).toEqual({ KUBECONFIG: '/etc/kube/config' });
  });
});

describe('aksTarget', () => {
  const fromMapping = { aksCluster: { name: 'c1', resourceGroup: 'rg1' } };

  it("prefers the mapping's cluster over the alert's", () => {
    expect(resolveAksTarget(fromMapping, clusterAlert('microsoft.containerservice/managedclusters'))).toEqual({
      name: 'c1',
      resourceGroup: 'rg1',
    });
  });

  it('takes an alert on a managed cluster, whatever the case of its type', () => {
    for (const type of ['microsoft.containerservice/managedclusters', 'Microsoft.ContainerService/managedClusters'])
      expect(resolveAksTarget({}, clusterAlert(type))).toEqual({
        name: 'aks-alert',
        resourceGroup: 'rg-alert',
        subscriptionId: SUB,
      });
  });

  it('gives nothing for other resources, alerts without one, manual runs, or names that could pass for options', () => {
    expect(resolveAksTarget({}, clusterAlert('microsoft.compute/virtualmachines'))).toBeNull();
    expect(resolveAksTarget({}, sampleAlert())).toBeNull();
    expect(resolveAksTarget({}, undefined)).toBeNull();
    const odd = sampleAlert({
      resource: {
        id: null,
        subscriptionId: null,
        resourceGroup: '--debug',
        name: 'c',
        type: 'microsoft.containerservice/managedclusters',
      },
    });
    expect(resolveAksTarget({}, odd)).toBeNull();
  });
});

describe('AKS settings on an execution', () => {
  const make = (aksLogin: boolean, aksCluster: { name: string; resourceGroup: string } | null) =>
    newExecution({
      execId: '20250101T000000000Z-0a1b2c3d',
      mapping: sampleMapping({ aksLogin, aksCluster }),
      trigger: 'manual',
      now: new Date('2025-01-01T00:00:00Z'),
      defaultTimeoutSeconds: 60,
    });

  it('are copied from the mapping and survive storage', () => {
    const e = make(true, { name: 'c1', resourceGroup: 'rg1' });
    expect(e).toMatchObject({ aksLogin: true, aksCluster: { name: 'c1', resourceGroup: 'rg1' } });
    expect(fromEntity(toEntity(e))).toEqual(e);
  });

  it('are absent, and no column is written, for mappings without them', () => {
    const e = make(false, null);
    expect(e).not.toHaveProperty('aksLogin');
    expect(toEntity(e)).not.toHaveProperty('aks');
    expect(fromEntity(toEntity(e))).toEqual(e);
  });

  it('give the runbook KUBECONFIG, AZURE_CONFIG_DIR and the cluster, over mapping variables', () => {
    const e = { ...make(true, null), mappingEnv: { KUBECONFIG: '/mapping' } };
    const env = buildRunbookEnvironment({}, e, '/rb', {
      home: '/tmp/d/home',
      aks: {
        cluster: { name: 'c1', resourceGroup: 'rg1', subscriptionId: SUB },
        kubeconfig: '/tmp/d/kubeconfig',
        azureConfigDir: '/tmp/d/az',
      },
    });
    expect(env).toMatchObject({
      KUBECONFIG: '/tmp/d/kubeconfig',
      AZURE_CONFIG_DIR: '/tmp/d/az',
      AKS_CLUSTER_NAME: 'c1',
      AKS_CLUSTER_RG: 'rg1',
      AKS_CLUSTER_SUBSCRIPTION_ID: SUB,
    });
  });
});
