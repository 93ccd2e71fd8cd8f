import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/current-actor.decorator';
import { AllowRoles } from '../../core/auth/route-access';
import { externalRefParam } from '../../core/http/external-ref';
import { uuidParam } from '../../core/http/uuid-param';
import { AuditEventView } from '../audit/dto/audit.dto';
import {
  CreateWorkOrderDto,
  PutWorkOrderDto,
  UpdateWorkOrderDto,
  WorkOrderChangePage,
  WorkOrderListQuery,
  WorkOrderPage,
  WorkOrderDetailView,
  workOrderLocation,
} from './dto/work-order.dto';
import { WorkOrdersService } from './work-orders.service';

@ApiTags('work-orders')
@Controller('work-orders')
export class WorkOrdersController {
  constructor(private readonly workOrders: WorkOrdersService) {}

  @Get()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer, Role.Driver)
  @ApiExtraModels(WorkOrderPage, WorkOrderChangePage)
  @ApiOkResponse({
    description:
      'A WorkOrderPage (newest first), or with sort=updatedAt a WorkOrderChangePage (the change feed). Drivers see only work orders they are dispatched on',
    schema: {
      oneOf: [{ $ref: getSchemaPath(WorkOrderPage) }, { $ref: getSchemaPath(WorkOrderChangePage) }],
    },
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
  @ApiConflictResponse({
    description:
      'An open work order has this externalRef: the problem names it (existingId, existingLocation)',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateWorkOrderDto) {
    return this.workOrders.create(actor, body);
  }

  @Put('by-external-ref/:externalRef')
  @AllowRoles(Role.Admin, Role.Dispatcher)
  @ApiParam({
    name: 'externalRef',
    description: "The order's key in your ERP (1–100 characters; percent-encode it in the path)",
  })
  @ApiCreatedResponse({
    type: WorkOrderDetailView,
    description:
      'No open order had this externalRef: created (Location names it), maybe dispatched at once',
  })
  @ApiOkResponse({
    type: WorkOrderDetailView,
    description: 'The open order with this externalRef, updated (or already as asked)',
  })
  @ApiNotFoundResponse({ description: 'A site, type or qualification named does not exist' })
  @ApiConflictResponse({
    description: 'The open order is no longer queued, so it cannot be changed',
  })
  async put(
    @CurrentActor() actor: Actor,
    @Param('externalRef', externalRefParam()) externalRef: string,
    @Body() body: PutWorkOrderDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { created, order } = await this.workOrders.putByExternalRef(actor, externalRef, body);
    response.status(created ? 201 : 200);
    if (created) response.location(workOrderLocation(order.id));
    return order;
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
