import type { MigrationInterface, QueryRunner } from 'typeorm';
import { API_ROLE } from '../api-role';

const TABLES = [
  'webhook_subscriptions',
  'webhook_deliveries',
  'webhook_attempts',
  'webhook_fanout',
  'idempotency_keys',
];

/**
 * What ERP systems need from a tenant's schema:
 *
 * - Webhook subscriptions, and one delivery row per (subscription, event): the delivery worker
 *   reads the outbox after commit, from the position in `webhook_fanout`, and queues a delivery
 *   for each subscription an event matches (business transactions do nothing for webhooks).
 *   Deliveries are sent in event order per work order (`ordering_key`); every attempt is kept.
 * - Idempotency keys: a POST or PATCH with an `Idempotency-Key` runs at most once per key, and its
 *   first answer is kept for replays.
 */
export class WebhooksAndIdempotency1795249000000 implements MigrationInterface {
  name = 'WebhooksAndIdempotency1795249000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT uuid_v7(),
        url varchar(2000) NOT NULL,
        event_types text[] NOT NULL CONSTRAINT webhook_subscriptions_events_present CHECK (cardinality(event_types) > 0),
        description varchar(500),
        secret varchar(100) NOT NULL,
        previous_secret varchar(100),
        previous_secret_expires_at timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        disabled_at timestamptz,
        disabled_by varchar(10) CONSTRAINT webhook_subscriptions_disabled_by_valid CHECK (disabled_by IN ('admin', 'failures')),
        disabled_reason varchar(500),
        failing_since timestamptz,
        -- Events after this outbox position (those committed after the subscription) are sent.
        from_position bigint NOT NULL,
        created_by varchar(64) NOT NULL,
        created_by_name varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT uuid_v7(),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        event_id bigint,
        event_type varchar(80) NOT NULL,
        ordering_key text NOT NULL,
        test_payload jsonb,
        status varchar(12) NOT NULL DEFAULT 'pending'
          CONSTRAINT webhook_deliveries_status_valid CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claim uuid,
        locked_until timestamptz,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        last_duration_ms integer,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_event_or_test CHECK ((event_id IS NULL) <> (test_payload IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_in_order_idx ON webhook_deliveries (subscription_id, ordering_key, event_id) WHERE status = 'pending'`,
    );
    // One delivery per event and subscription (a redelivery reuses it), however often fanned out.
    await queryRunner.query(
      `CREATE UNIQUE INDEX webhook_deliveries_one_per_event ON webhook_deliveries (subscription_id, event_id) WHERE event_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_listing_idx ON webhook_deliveries (subscription_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE webhook_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error text,
        response_excerpt text
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id)`,
    );
    // How far the outbox has been fanned out to the subscriptions (one row; locked while it moves).
    await queryRunner.query(`CREATE TABLE webhook_fanout (position bigint NOT NULL)`);
    await queryRunner.query(
      `INSERT INTO webhook_fanout (position) SELECT coalesce(max(id), 0) FROM audit_events`,
    );
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        key varchar(255) PRIMARY KEY,
        fingerprint char(64) NOT NULL,
        claim uuid NOT NULL,
        committed boolean NOT NULL DEFAULT false,
        response_status integer,
        response_location text,
        response_body jsonb,
        locked_until timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at)`,
    );
    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ${TABLES.join(', ')} TO ${API_ROLE}`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
