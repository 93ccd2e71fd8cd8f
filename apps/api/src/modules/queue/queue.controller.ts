import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/current-actor.decorator';
import { AllowRoles } from '../../core/auth/route-access';
import { PageQuery } from '../../core/http/pagination';
import { QueuePage } from './queue.dto';
import { QueueService } from './queue.service';

@ApiTags('dispatches')
@Controller('queue')
export class QueueController {
  constructor(private readonly queue: QueueService) {}

  @Get()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOperation({ summary: 'Queued work orders in serving order, with what blocks each one' })
  @ApiOkResponse({ type: QueuePage })
  list(@CurrentActor() actor: Actor, @Query() query: PageQuery) {
    return this.queue.list(actor, query);
  }
}
