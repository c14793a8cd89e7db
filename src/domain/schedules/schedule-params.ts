// A schedule's parameters, checked when the mapping file loads: a scheduled run must never fail on its own inputs.
import type { z } from 'zod';
import { AppError } from '../shared/errors';
import type { ParamSpec } from '../mappings/param-spec';
import { resolveRequestParams } from '../runs/run-params';

type ScheduledEntity = {
  readonly id: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly schedule?: unknown;
  readonly schedule_params?: Readonly<Record<string, unknown>> | undefined;
  readonly catch_up: boolean;
};

export function checkScheduleParams(m: ScheduledEntity, ctx: z.RefinementCtx): void {
  if (m.schedule === undefined) {
    for (const key of ['schedule_params', 'catch_up'] as const) {
      if (key === 'schedule_params' ? m.schedule_params !== undefined : m.catch_up)
        ctx.addIssue({ code: 'custom', path: [key], message: 'only with a schedule' });
    }
    return;
  }
  // Mapping files live in git: a secret given here is no secret.
  for (const name of Object.keys(m.schedule_params ?? {}).filter((n) => m.params[n]?.secret))
    ctx.addIssue({
      code: 'custom',
      path: ['schedule_params', name],
      message: 'a secret parameter cannot be scheduled',
    });
  try {
    resolveRequestParams(m.id, m.params, m.schedule_params ?? {});
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const field = String(err.details.field ?? 'params').replace(/^params\.?/, '');
    ctx.addIssue({ code: 'custom', path: ['schedule_params', ...(field ? [field] : [])], message: err.message });
  }
}
