// Alert summary: the fields of an alert a listing shows and filters on, without its labels and annotations.
import type { z } from 'zod';
import { alertContextObject } from './alert';
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

/** For reading a stored summary back: ClouDO wrote it, but storage is still a boundary. */
export const alertSummarySchema: z.ZodType<AlertSummary> = alertContextObject
  .pick({
    source: true,
    alertId: true,
    rule: true,
    ruleName: true,
    severity: true,
    signalType: true,
    monitorCondition: true,
    firedAt: true,
    resolvedAt: true,
  })
  .extend({ resource: alertContextObject.shape.resource.pick({ id: true }) });
