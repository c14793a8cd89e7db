// A schedule's last run, read from the real execution table: found behind newer runs by hand, not hidden by them.
import { TableClient } from '@azure/data-tables';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createExecutionTable } from '../../../src/adapters/runs/execution-table';
import { newExecId } from '../../../src/domain/runs/exec-id';
import { newExecution } from '../../../src/domain/runs/execution';
import type { TriggerKind } from '../../../src/domain/runs/execution-status';
import { listSchedules } from '../../../src/services/schedules/list-schedules';
import { createFakeMappingStore } from '../../support/fakes/mapping-store';
import { sampleMapping } from '../../support/fixtures';
import { uniqueName } from '../../support/unique-names';

const tables: TableClient[] = [];
afterAll(async () => Promise.all(tables.map((t) => t.deleteTable())));

const mapping = sampleMapping({ schedule: { cron: '0 0 * * * *', timezone: 'UTC' } });

async function storeWith(runs: readonly TriggerKind[]) {
  const table = TableClient.fromConnectionString(inject('storageConnection'), uniqueName('lastsched'), {
    allowInsecureConnection: true,
  });
  tables.push(table);
  await table.createTable();
  const executions = createExecutionTable(table);
  const execIds: string[] = [];
  for (const [i, trigger] of runs.entries()) {
    const now = new Date(Date.UTC(2026, 4, 1, 10, 0, 0, i));
    const scheduledFor = trigger === 'schedule' ? { scheduledFor: now.toISOString() } : {};
    const e = newExecution({
      execId: newExecId(now),
      mapping,
      trigger,
      now,
      defaultTimeoutSeconds: 60,
      ...scheduledFor,
    });
    execIds.push(e.execId);
    await executions.create(e);
  }
  return { deps: { executions, mappings: createFakeMappingStore([mapping]) }, execIds };
}

describe("a schedule's last run", () => {
  it('is the newest scheduled run, though more runs by hand came after it than one page holds', async () => {
    const { deps, execIds } = await storeWith(['schedule', 'schedule', ...Array<TriggerKind>(60).fill('manual')]);
    const [view] = await listSchedules(deps, new Date(Date.UTC(2026, 4, 1, 11)));
    expect(view?.lastRun).toMatchObject({ execId: execIds[1], status: 'queued' });
  });

  it('is none when the mapping has only runs by hand', async () => {
    const { deps } = await storeWith(['manual', 'manual']);
    const [view] = await listSchedules(deps, new Date(Date.UTC(2026, 4, 1, 11)));
    expect(view?.lastRun).toBeNull();
  });
});
