import { Controller, Headers, type MessageEvent, Query, Sse } from '@nestjs/common';
import {
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Role } from '@dispatch/domain';
import { IsOptional, Matches } from 'class-validator';
import type { Observable } from 'rxjs';
import type { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/current-actor.decorator';
import { AllowRoles } from '../../core/auth/route-access';
import { EventsService } from './events.service';

export class EventsQuery {
  @ApiPropertyOptional({
    description: 'Same as the Last-Event-ID header, for clients that cannot set headers',
  })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'since must be an event id' })
  since?: string;
}

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Sse()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer, Role.Driver)
  @ApiOperation({
    summary:
      'Live stream (server-sent events) of the tenant’s changes; drivers receive only their own',
    description:
      'Each SSE event is named after its domain event type (e.g. `work_order.created`, `dispatch.en_route`) and carries the typed `DomainEvent` as data, with its position as the SSE id. Reconnect with `Last-Event-ID` (or `?since=`) to receive what was missed. A first `ready` event carries the position the stream starts from; comment lines keep idle connections open.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiOkResponse({
    description: 'text/event-stream; each `data` is a DomainEvent',
    content: {
      'text/event-stream': { schema: { $ref: '#/components/schemas/DomainEvent' } },
    },
  })
  stream(
    @CurrentActor() actor: Actor,
    @Query() query: EventsQuery,
    @Headers('last-event-id') lastEventId?: string,
  ): Observable<MessageEvent> {
    const since =
      query.since ?? (lastEventId && /^\d{1,19}$/.test(lastEventId) ? lastEventId : undefined);
    return this.events.stream(actor, since);
  }
}
