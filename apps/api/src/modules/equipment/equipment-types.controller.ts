import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/current-actor.decorator';
import { AllowRoles } from '../../core/auth/route-access';
import { uuidParam } from '../../core/http/uuid-param';
import {
  CreateEquipmentTypeDto,
  EquipmentTypeListQuery,
  EquipmentTypePage,
  EquipmentTypeView,
  UpdateEquipmentTypeDto,
} from './dto/equipment-type.dto';
import { EquipmentTypesService } from './equipment-types.service';

@ApiTags('equipment')
@Controller('equipment-types')
export class EquipmentTypesController {
  constructor(private readonly types: EquipmentTypesService) {}

  @Get()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOkResponse({ type: EquipmentTypePage })
  list(@CurrentActor() actor: Actor, @Query() query: EquipmentTypeListQuery) {
    return this.types.list(actor, query);
  }

  @Get(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOkResponse({ type: EquipmentTypeView })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.types.get(actor, id);
  }

  @Post()
  @AllowRoles(Role.Admin)
  @ApiCreatedResponse({ type: EquipmentTypeView })
  @ApiConflictResponse({ description: 'An equipment type with this code exists' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateEquipmentTypeDto) {
    return this.types.create(actor, body);
  }

  @Patch(':id')
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: EquipmentTypeView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateEquipmentTypeDto,
  ) {
    return this.types.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @AllowRoles(Role.Admin)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Equipment or work orders still use the type' })
  remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.types.remove(actor, id);
  }
}
