import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/current-actor.decorator';
import { AllowRoles } from '../../core/auth/route-access';
import { uuidParam } from '../../core/http/uuid-param';
import { AuditEventView } from '../audit/dto/audit.dto';
import {
  CreateWorkOrderDto,
  UpdateWorkOrderDto,
  WorkOrderListQuery,
  WorkOrderPage,
  WorkOrderDetailView,
} from './dto/work-order.dto';
import { WorkOrdersService } from './work-orders.service';

@ApiTags('work-orders')
@Controller('work-orders')
export class WorkOrdersController {
  constructor(private readonly workOrders: WorkOrdersService) {}

  @Get()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer, Role.Driver)
  @ApiOkResponse({
    type: WorkOrderPage,
    description: 'Drivers see only work orders they are dispatched on',
  })
  list(@CurrentActor() actor: Actor, @Query() query: WorkOrderListQuery) {
    return this.workOrders.list(actor, query);
  }

  @Get(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer, Role.Driver)
  @ApiOkResponse({ type: WorkOrderDetailView })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.workOrders.get(actor, id);
  }

  @Post()
  @AllowRoles(Role.Admin, Role.Dispatcher)
  @ApiCreatedResponse({ type: WorkOrderDetailView })
  @ApiConflictResponse({ description: 'A work order with this externalRef exists' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateWorkOrderDto) {
    return this.workOrders.create(actor, body);
  }

  @Patch(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher)
  @ApiOkResponse({ type: WorkOrderDetailView })
  @ApiConflictResponse({ description: 'The work order is no longer queued' })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateWorkOrderDto,
  ) {
    return this.workOrders.update(actor, id, body);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @AllowRoles(Role.Admin, Role.Dispatcher)
  @ApiOkResponse({ type: WorkOrderDetailView })
  @ApiConflictResponse({ description: 'The work order is already completed or cancelled' })
  cancel(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.workOrders.cancel(actor, id);
  }

  @Get(':id/timeline')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOkResponse({ type: [AuditEventView] })
  timeline(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.workOrders.timeline(actor, id);
  }
}
