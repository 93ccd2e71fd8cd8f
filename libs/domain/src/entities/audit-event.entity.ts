import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One recorded action. Append-only: written in the same transaction as the change it describes. */
@Entity({ name: 'audit_events' })
@Index('audit_events_occurred_at_idx', ['occurredAt', 'id'])
@Index('audit_events_entity_idx', ['entityType', 'entityId', 'occurredAt'])
@Index('audit_events_actor_idx', ['actorSubject', 'occurredAt'])
@Index('audit_events_actor_name_idx', ['actorName', 'occurredAt'])
@Index('audit_events_action_idx', ['action', 'occurredAt', 'id'])
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurredAt: Date;

  /** `person`, `machine` (an ERP's client) or `engine`; null on events older than the event spine. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  actorKind: string | null;

  /** Keycloak subject, or `auto` for the dispatch engine. */
  @Column({ type: 'varchar', length: 64 })
  actorSubject: string;

  @Column({ type: 'varchar', length: 255 })
  actorName: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  actorRole: string | null;

  /** What happened, e.g. `equipment.created`, `work_order.cancelled`. */
  @Column({ type: 'varchar', length: 80 })
  action: string;

  @Column({ type: 'varchar', length: 40 })
  entityType: string;

  @Column({ type: 'uuid', nullable: true })
  entityId: string | null;

  /** The domain event's typed payload (see the event catalogue); null on events older than it. */
  @Column({ type: 'jsonb', nullable: true })
  payload: object | null;

  @Column({ type: 'jsonb', nullable: true })
  before: object | null;

  @Column({ type: 'jsonb', nullable: true })
  after: object | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  requestId: string | null;
}
