import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import type { ActorKind, DomainEvent } from '@dispatch/domain';
import { MAX_PAGE_SIZE } from '../../../core/http/pagination';
import { OptionalText, OptionalUuid } from '../../../core/http/dto-rules';

export class AuditQuery {
  @OptionalText(40, 'work_order')
  entityType?: string;

  @OptionalUuid()
  entityId?: string;

  /** Who acted: a Keycloak subject, a login name (`acme-dispatcher`), or `auto` for the engine. */
  @OptionalText(255)
  actor?: string;

  @OptionalText(80, 'work_order.created')
  action?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

/** The filters without paging: what an export selects. */
export class AuditFilter extends OmitType(AuditQuery, ['limit', 'cursor'] as const) {}

export class AuditEventView {
  @ApiProperty({ description: 'Position in the tenant’s audit trail' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({
    enum: ['person', 'machine', 'engine'],
    description: 'A person, an ERP’s machine client, or the dispatch engine',
  })
  actorKind: ActorKind;
  @ApiProperty() actorSubject: string;
  @ApiProperty() actorName: string;
  @ApiProperty({ type: String, nullable: true }) actorRole: string | null;
  @ApiProperty() action: string;
  @ApiProperty() entityType: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) entityId: string | null;
  @ApiProperty({ type: Object, nullable: true }) before: Record<string, unknown> | null;
  @ApiProperty({ type: Object, nullable: true }) after: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({
    nullable: true,
    allOf: [{ $ref: '#/components/schemas/DomainEvent' }],
    description: 'The typed domain event (null for events recorded before the event catalogue)',
  })
  event: DomainEvent | null;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEventView] }) items: AuditEventView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor to read older events' })
  nextCursor: string | null;
  @ApiProperty() limit: number;
}

/** CSV columns of an export, in order; before and after are JSON text. */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'occurredAt',
  'actorSubject',
  'actorName',
  'actorRole',
  'action',
  'entityType',
  'entityId',
  'before',
  'after',
  'requestId',
] as const satisfies readonly (keyof AuditEventView)[];

export class BrokenLink {
  @ApiProperty({ description: 'Position in the chain' }) seq: string;
  @ApiProperty() eventId: string;
  @ApiProperty() reason: string;
}

export class AuditVerification {
  @ApiProperty({ description: 'Every sealed event is unchanged and every link holds' })
  intact: boolean;
  @ApiProperty({ description: 'Events checked along the chain (up to the first broken link)' })
  sealedEvents: number;
  @ApiProperty({
    description: 'Committed events not sealed yet (sealing follows within a second or two)',
  })
  pendingEvents: number;
  @ApiPropertyOptional({ type: BrokenLink }) firstBroken?: BrokenLink;
}
