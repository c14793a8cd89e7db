// The in-memory fakes keep the same contracts as the Table adapters (see test/integration/runs/store-adapters).
import { describeClaimStoreContract } from '../../contract/claim-store.contract';
import { describeExecutionStoreContract } from '../../contract/execution-store.contract';
import { describeMappingStoreContract } from '../../contract/mapping-store.contract';
import { describeRunQueueContract } from '../../contract/run-queue.contract';
import { describeOutputLogContract } from '../../contract/output-log.contract';
import { describeAuditLogContract } from '../../contract/audit-log.contract';
import { createFakeAuditLog } from '../../support/fakes/audit-log';
import { createFakeOutputLog } from '../../support/fakes/output-log';
import { createFakeClaimStore } from '../../support/fakes/claim-store';
import { createFakeExecutionStore } from '../../support/fakes/execution-store';
import { createFakeMappingStore } from '../../support/fakes/mapping-store';
import { createFakeRunQueue } from '../../support/fakes/run-queue';

describeExecutionStoreContract('in-memory fake', async () => createFakeExecutionStore());
describeClaimStoreContract('in-memory fake', async () => createFakeClaimStore());
describeMappingStoreContract('in-memory fake', async () => createFakeMappingStore());
describeRunQueueContract('in-memory fake', async () => ({ queue: createFakeRunQueue('fake-'), prefix: 'fake-' }));
describeOutputLogContract('in-memory fake', async () => createFakeOutputLog());
describeAuditLogContract('fake', async () => createFakeAuditLog());
