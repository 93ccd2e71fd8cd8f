import { backlogOf, backlogSql, emptyBacklog } from '../backlog-sql';

describe('backlog statement', () => {
  it('is not run without tenants', () => {
    expect(backlogSql([])).toBeNull();
  });

  it('reads every tenant schema, quoted, in one statement summed per metric and label', () => {
    const sql = backlogSql(['tenant_acme', 'tenant_globex']) ?? '';
    for (const schema of ['"tenant_acme"', '"tenant_globex"']) {
      expect(sql).toContain(`${schema}.work_orders`);
      expect(sql).toContain(`${schema}.audit_events`);
      expect(sql).toContain(`${schema}.webhook_deliveries`);
    }
    expect(sql).toMatch(/GROUP BY metric, label$/);
    expect(sql.split(';')).toHaveLength(1);
  });

  it('quotes a schema name that would otherwise break out of the identifier', () => {
    expect(backlogSql(['evil"; DROP TABLE x; --'])).toContain(
      '"evil""; DROP TABLE x; --".work_orders',
    );
  });
});

describe('backlog rows', () => {
  it('start from zero for every priority and state, so every series exists', () => {
    expect(backlogOf([])).toEqual(emptyBacklog());
    expect(emptyBacklog()).toEqual({
      queued: { emergency: 0, urgent: 0, standard: 0, low: 0 },
      outbox: 0,
      webhooks: { pending: 0, retrying: 0 },
    });
  });

  it('fold into queue depth by priority, the outbox and webhook deliveries by state', () => {
    expect(
      backlogOf([
        { metric: 'queued', label: 'urgent', value: 3 },
        { metric: 'queued', label: 'low', value: 1 },
        { metric: 'outbox', label: null, value: 12 },
        { metric: 'webhooks', label: 'retrying', value: 2 },
        { metric: 'queued', label: 'unheard-of', value: 9 },
      ]),
    ).toEqual({
      queued: { emergency: 0, urgent: 3, standard: 0, low: 1 },
      outbox: 12,
      webhooks: { pending: 0, retrying: 2 },
    });
  });
});
