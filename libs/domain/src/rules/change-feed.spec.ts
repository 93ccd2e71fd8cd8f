import { RECORD_PAST_DISPATCH_SQL } from './booking-sql';
import { BookingStatements, type MatchMode } from './booking-statements';
import { CURRENT_CHANGE_XID_SQL } from './change-feed';

/** Every `UPDATE work_orders … SET …` of a statement, up to its FROM or WHERE. */
function workOrderUpdates(sql: string): string[] {
  return [...sql.matchAll(/UPDATE\s+work_orders\b[\s\S]*?(?=\bFROM\b|\bWHERE\b)/gi)].map(
    (match) => match[0],
  );
}

describe('the change feed rule: a statement that sets updated_at of a work order also sets change_xid', () => {
  const sql = new BookingStatements({ agingSeconds: 1800, leadMinutes: 60 });
  const statements: Record<string, string> = {
    createAndMatch: sql.createAndMatch,
    assignByHand: sql.assignByHand,
    ...Object.fromEntries(
      (['fast', 'recheck', 'serve'] as MatchMode[]).map((mode) => [
        `match(${mode})`,
        sql.match(mode),
      ]),
    ),
    ...Object.fromEntries(
      ['acknowledged', 'en_route', 'on_site', 'completed', 'cancelled'].map((to) => [
        `transition(${to})`,
        sql.transition(to),
      ]),
    ),
    RECORD_PAST_DISPATCH_SQL,
  };

  it.each(Object.entries(statements))('%s', (_name, text) => {
    for (const update of workOrderUpdates(text)) {
      const setsUpdatedAt = /\bupdated_at\s*=/.test(update);
      const setsChange = update.includes(`change_xid = ${CURRENT_CHANGE_XID_SQL}`);
      expect({ update, setsChange }).toEqual({ update, setsChange: setsUpdatedAt });
    }
  });

  it('finds the updates it checks', () => {
    expect(workOrderUpdates(statements['match(serve)'])).toHaveLength(1);
    expect(workOrderUpdates(statements['transition(completed)'])).toHaveLength(1);
    expect(workOrderUpdates(statements['transition(on_site)'])).toHaveLength(1);
    expect(workOrderUpdates(statements.createAndMatch)).toHaveLength(0);
  });
});
