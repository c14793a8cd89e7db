// The on-call notifier, observed: a span per delivery attempt and a count of the attempts that failed.
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { DeliveryResult } from '../../domain/oncall/notification';
import type { Notifier } from '../../services/oncall/ports';
import type { Telemetry } from '../../services/telemetry/ports';

export function instrumentNotifier(notifier: Notifier, telemetry: Pick<Telemetry, 'pageDeliveryFailed'>): Notifier {
  const observe = (channel: string, operation: string, send: () => Promise<DeliveryResult>) =>
    trace.getTracer('cloudo').startActiveSpan(`oncall ${operation}`, async (span) => {
      span.setAttributes({ 'cloudo.channel': channel, 'cloudo.operation': operation });
      try {
        const result = await send();
        if (!result.ok) {
          telemetry.pageDeliveryFailed(channel);
          // The reason stays in the run's record and the log (redacted there); a span gets no sender text.
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        return result;
      } finally {
        span.end();
      }
    });
  return {
    channels: (partition) => notifier.channels(partition),
    createAlert: (partition, alert) => observe('opsgenie', 'create', () => notifier.createAlert(partition, alert)),
    closeAlert: (partition, alias, close) =>
      observe('opsgenie', 'close', () => notifier.closeAlert(partition, alias, close)),
    postChat: (text) => observe('chat', 'post', () => notifier.postChat(text)),
  };
}
