// Alert summary: the fields of an alert a listing shows and filters on, without its labels and annotations.
import { z } from 'zod';
import type { AlertContext } from './alert';

/** What listings keep of an alert: every bounded scalar they show or filter on, and the resource's id. */
export type AlertSummary = Pick<
  AlertContext,
  'source' | 'alertId' | 'rule' | 'ruleName' | 'severity' | 'signalType' | 'monitorCondition' | 'firedAt' | 'resolvedAt'
> & { readonly resource: Pick<AlertContext['resource'], 'id'> };

export function summarizeAlert(a: AlertSummary): AlertSummary {
  return {
    source: a.source,
    alertId: a.alertId,
    rule: a.rule,
    ruleName: a.ruleName,
    severity: a.severity,
    signalType: a.signalType,
    monitorCondition: a.monitorCondition,
    firedAt: a.firedAt,
    resolvedAt: a.resolvedAt,
    resource: { id: a.resource.id },
  };
}

const text = z.string().nullable();

/** For reading a stored summary back: ClouDO wrote it, but storage is still a boundary. */
export const alertSummarySchema: z.ZodType<AlertSummary> = z.object({
  source: z.enum(['azure-monitor', 'alertmanager']),
  alertId: z.string(),
  rule: text,
  ruleName: text,
  severity: text,
  signalType: text,
  monitorCondition: z.enum(['Fired', 'Resolved']),
  firedAt: text,
  resolvedAt: text,
  resource: z.object({ id: text }),
});
