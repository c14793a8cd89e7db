// The API's answers as the console reads them: the types of the same zod schemas the server answers with and the
// OpenAPI document is made from (type-only imports: no schema code reaches the browser).
import type { z } from 'zod';
import type { executionDetail, executionsPage } from '../src/http/api-contract/executions';
import type {
  mappingCard,
  mappingDetail,
  meAnswer,
  overviewAnswer,
  unmatchedAnswer,
} from '../src/http/api-contract/console-reads';
import type { payloadPreview, runAnswer, runPreview } from '../src/http/api-contract/trigger';
import { EXECUTION_STATUSES, TRIGGER_KINDS, type ExecutionStatus } from '../src/domain/runs/execution-status';

// The domain's own vocabulary: one list of statuses and trigger kinds for the server and the console.
export type Status = ExecutionStatus;
export const STATUSES: readonly Status[] = EXECUTION_STATUSES;
export const TRIGGERS = TRIGGER_KINDS;

export type Me = z.output<typeof meAnswer>;
/** A mapping as listed. */
export type MappingView = z.output<typeof mappingCard>;
/** One mapping on its page: with the budget used and the concurrency slots now. */
export type MappingDetail = z.output<typeof mappingDetail>;
export type ParamView = MappingView['params'][number];
export type MappingRef = Execution['mapping'];
/** One execution: the list's fields, and on its own page its output, alert and links. */
export type Execution = z.output<typeof executionDetail>;
export type ExecutionPage = z.output<typeof executionsPage>;
export type Notification = Execution['notifications'][number];
export type Overview = z.output<typeof overviewAnswer>;
export type Unmatched = z.output<typeof unmatchedAnswer>['items'][number];
export type RunAnswer = z.output<typeof runAnswer>;
export type RunPreview = z.output<typeof runPreview>;
export type PayloadPreview = z.output<typeof payloadPreview>;
export type Page<T> = { items: T[]; continuation: string | null };
