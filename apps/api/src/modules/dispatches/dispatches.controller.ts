import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/current-actor.decorator';
import { AllowRoles } from '../../core/auth/route-access';
import { uuidParam } from '../../core/http/uuid-param';
import { DispatchesService } from './dispatches.service';
import {
  Candidates,
  CandidatesQuery,
  CreateDispatchDto,
  DispatchListQuery,
  DispatchPage,
  DispatchView,
  ReassignDispatchDto,
  TransitionDto,
} from './dto/dispatch.dto';

@ApiTags('dispatches')
@Controller('dispatches')
export class DispatchesController {
  constructor(private readonly dispatches: DispatchesService) {}

  @Get()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer, Role.Driver)
  @ApiOkResponse({ type: DispatchPage, description: 'Drivers see only their own dispatches' })
  list(@CurrentActor() actor: Actor, @Query() query: DispatchListQuery) {
    return this.dispatches.list(actor, query);
  }

  @Get('candidates')
  @AllowRoles(Role.Admin, Role.Dispatcher)
  @ApiOperation({
    summary:
      'Units and drivers for dispatching a work order by hand, each with what stops it (if anything)',
  })
  @ApiOkResponse({ type: Candidates })
  candidates(@CurrentActor() actor: Actor, @Query() query: CandidatesQuery) {
    return this.dispatches.candidates(actor, query);
  }

  @Get(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer, Role.Driver)
  @ApiOkResponse({ type: DispatchView })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.dispatches.get(actor, id);
  }

  @Post()
  @AllowRoles(Role.Admin, Role.Dispatcher)
  @ApiOperation({
    summary: 'Dispatch a queued work order by hand, choosing the unit and the driver',
  })
  @ApiCreatedResponse({ type: DispatchView })
  @ApiConflictResponse({ description: 'Lists every conflict of the chosen unit and driver' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateDispatchDto) {
    return this.dispatches.create(actor, body);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Driver)
  @ApiOperation({
    summary:
      'Move a dispatch one step: acknowledged → en_route → on_site → completed, or cancelled',
  })
  @ApiOkResponse({ type: DispatchView })
  @ApiConflictResponse({
    description: 'The step is not allowed from the current status (named in the answer)',
  })
  transition(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() body: TransitionDto,
  ) {
    return this.dispatches.transition(actor, id, body);
  }

  @Post(':id/reassign')
  @HttpCode(200)
  @AllowRoles(Role.Admin, Role.Dispatcher)
  @ApiOperation({ summary: 'Swap the unit and/or the driver of an open dispatch' })
  @ApiOkResponse({ type: DispatchView })
  @ApiConflictResponse({ description: 'Lists every conflict of the new unit or driver' })
  reassign(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() body: ReassignDispatchDto,
  ) {
    return this.dispatches.reassign(actor, id, body);
  }
}
