import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
} from 'class-validator';
import { EVENT_NAMES } from '@dispatch/domain';
import { CreatorView } from '../../../core/http/creator-view';
import { PageOf, PageQuery } from '../../../core/http/pagination';
import { OptionalText, trim } from '../../../core/http/dto-rules';

/** Event types a subscription may choose: the domain event catalogue. */
export const SUBSCRIBABLE_EVENTS: readonly string[] = EVENT_NAMES;

export class CreateWebhookDto {
  @ApiProperty({ maxLength: 2000, example: 'https://erp.example.com/dispatch/webhooks' })
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  url: string;

  @ApiProperty({
    enum: SUBSCRIBABLE_EVENTS,
    enumName: 'EventName',
    isArray: true,
    example: ['dispatch.assigned', 'dispatch.completed', 'work_order.cancelled'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true })
  events: string[];

  @OptionalText(500, 'SAP S/4 production')
  description?: string | null;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  url?: string;

  @ApiPropertyOptional({ enum: SUBSCRIBABLE_EVENTS, enumName: 'EventName', isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_EVENTS, { each: true })
  events?: string[];

  @OptionalText(500)
  description?: string | null;

  @ApiPropertyOptional({
    description:
      'false pauses deliveries (they wait); true re-enables an endpoint, also one disabled after failing',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) events: string[];
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) disabledAt: string | null;
  @ApiProperty({
    enum: ['admin', 'failures'],
    nullable: true,
    description: 'Paused by an admin, or disabled after failing for too long',
  })
  disabledBy: 'admin' | 'failures' | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the endpoint was disabled (by an admin, or after failing for too long)',
  })
  disabledReason: string | null;
  @ApiProperty({
    format: 'date-time',
    type: String,
    nullable: true,
    description: 'Every delivery has failed since then (null while the endpoint is healthy)',
  })
  failingSince: string | null;
  @ApiProperty({ description: 'Deliveries waiting to be sent or retried' })
  pendingDeliveries: number;
  @ApiProperty({ description: 'Deliveries that gave up after every retry' })
  failedDeliveries: number;
  @ApiProperty({ type: CreatorView }) createdBy: CreatorView;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class WebhookPage extends PageOf(WebhookView) {}

export class WebhookWithSecretView extends WebhookView {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret: shown only in this answer',
  })
  secret: string;
}

export class WebhookSecretView {
  @ApiProperty({ description: 'The new signing secret: shown only in this answer' })
  secret: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Until then messages are signed with the previous secret too',
  })
  previousSecretValidUntil: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export class WebhookAttemptView {
  @ApiProperty() attempt: number;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty() durationMs: number;
  @ApiProperty({ type: Number, nullable: true }) statusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The start of the answer (1 KB)' })
  responseExcerpt: string | null;
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The message id receivers see in `webhook-id`' }) messageId: string;
  @ApiProperty({ type: String, nullable: true, description: 'Outbox position of the event' })
  eventId: string | null;
  @ApiProperty() eventType: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  nextAttemptAt: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  lastAttemptAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: Number, nullable: true }) lastDurationMs: number | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) deliveredAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class WebhookDeliveryDetailView extends WebhookDeliveryView {
  @ApiProperty({ type: [WebhookAttemptView] }) attemptLog: WebhookAttemptView[];
  @ApiProperty({ description: 'The message body as sent (JSON)' }) body: string;
}

export class WebhookDeliveryPage extends PageOf(WebhookDeliveryView) {}

export class WebhookDeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class WebhookTestView {
  @ApiProperty({ format: 'uuid' }) deliveryId: string;
}
