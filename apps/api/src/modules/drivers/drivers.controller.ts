import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
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
  CreateDriverDto,
  DriverListQuery,
  DriverPage,
  DriverView,
  UpdateDriverDto,
  UpdateOwnDutyDto,
} from './dto/driver.dto';
import { DriversService } from './drivers.service';

@ApiTags('drivers')
@Controller('drivers')
export class DriversController {
  constructor(private readonly drivers: DriversService) {}

  @Get()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOkResponse({ type: DriverPage })
  list(@CurrentActor() actor: Actor, @Query() query: DriverListQuery) {
    return this.drivers.list(actor, query);
  }

  @Get('me')
  @AllowRoles(Role.Driver)
  @ApiOperation({ summary: 'The driver profile of the calling user' })
  @ApiOkResponse({ type: DriverView })
  @ApiNotFoundResponse({ description: 'The user has no driver profile' })
  me(@CurrentActor() actor: Actor) {
    return this.drivers.me(actor);
  }

  @Patch('me')
  @AllowRoles(Role.Driver)
  @ApiOperation({ summary: 'Go on or off duty: the calling driver’s own duty status' })
  @ApiOkResponse({ type: DriverView })
  @ApiNotFoundResponse({ description: 'The user has no driver profile' })
  @ApiConflictResponse({ description: 'Off duty while on an open dispatch' })
  updateMe(@CurrentActor() actor: Actor, @Body() body: UpdateOwnDutyDto) {
    return this.drivers.updateOwnDuty(actor, body);
  }

  @Get(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOkResponse({ type: DriverView })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.drivers.get(actor, id);
  }

  @Post()
  @AllowRoles(Role.Admin)
  @ApiCreatedResponse({ type: DriverView })
  @ApiConflictResponse({ description: 'The username is linked to another driver' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateDriverDto) {
    return this.drivers.create(actor, body);
  }

  @Patch(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Driver)
  @ApiOperation({
    summary: 'Edit a driver (admin), or set duty status (admin, dispatcher, the driver themself)',
  })
  @ApiOkResponse({ type: DriverView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateDriverDto,
  ) {
    return this.drivers.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @AllowRoles(Role.Admin)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'The driver has dispatch history' })
  remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.drivers.remove(actor, id);
  }
}
