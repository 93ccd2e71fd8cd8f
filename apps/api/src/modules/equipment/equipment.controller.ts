import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
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
import {
  CreateEquipmentDto,
  EquipmentListQuery,
  EquipmentPage,
  EquipmentView,
  UpdateEquipmentDto,
} from './dto/equipment.dto';
import { EquipmentService } from './equipment.service';

@ApiTags('equipment')
@Controller('equipment')
export class EquipmentController {
  constructor(private readonly equipment: EquipmentService) {}

  @Get()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOkResponse({ type: EquipmentPage })
  list(@CurrentActor() actor: Actor, @Query() query: EquipmentListQuery) {
    return this.equipment.list(actor, query);
  }

  @Get(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOkResponse({ type: EquipmentView })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.equipment.get(actor, id);
  }

  @Post()
  @AllowRoles(Role.Admin)
  @ApiCreatedResponse({ type: EquipmentView })
  @ApiConflictResponse({ description: 'A unit with this code exists' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateEquipmentDto) {
    return this.equipment.create(actor, body);
  }

  @Patch(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher)
  @ApiOperation({
    summary: 'Edit a unit (admin), or move it into or out of maintenance (admin, dispatcher)',
  })
  @ApiOkResponse({ type: EquipmentView })
  @ApiConflictResponse({ description: 'The unit is on an open dispatch' })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateEquipmentDto,
  ) {
    return this.equipment.update(actor, id, body);
  }
}
