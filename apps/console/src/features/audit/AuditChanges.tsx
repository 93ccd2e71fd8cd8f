import type { AuditEventView } from '@dispatch/api-client';
import { diffChanges, formatValue, prettyJson } from './audit-diff';

/** The raw record of one event, for auditors: before and after field by field, both as JSON, and the typed event. */
export function AuditChanges({ event }: { event: AuditEventView }) {
  const changes = diffChanges(event.before, event.after);
  return (
    <div className="audit-changes" data-testid="audit-changes">
      {changes.length === 0 ? (
        <p className="muted">The event records no data.</p>
      ) : (
        <table className="table diff">
          <thead>
            <tr>
              <th>Field</th>
              <th>Before</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.field} className={`diff--${change.kind}`}>
                <th scope="row">{change.field}</th>
                <td>
                  <code>{formatValue(change.before)}</code>
                </td>
                <td>
                  <code>{formatValue(change.after)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="json-pair">
        <div>
          <h4>Before</h4>
          <pre>{prettyJson(event.before)}</pre>
        </div>
        <div>
          <h4>After</h4>
          <pre>{prettyJson(event.after)}</pre>
        </div>
      </div>
      {event.event && (
        <div className="json-pair">
          <h4>Event</h4>
          <pre data-testid="audit-raw-event">{prettyJson(event.event)}</pre>
        </div>
      )}
      {event.requestId && <p className="muted">Request {event.requestId}</p>}
    </div>
  );
}
