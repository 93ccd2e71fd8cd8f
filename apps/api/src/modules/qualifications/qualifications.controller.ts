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
  CreateQualificationDto,
  QualificationListQuery,
  QualificationPage,
  QualificationView,
  UpdateQualificationDto,
} from './dto/qualification.dto';
import { QualificationsService } from './qualifications.service';

@ApiTags('qualifications')
@Controller('qualifications')
export class QualificationsController {
  constructor(private readonly qualifications: QualificationsService) {}

  @Get()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOkResponse({ type: QualificationPage })
  list(@CurrentActor() actor: Actor, @Query() query: QualificationListQuery) {
    return this.qualifications.list(actor, query);
  }

  @Get(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOkResponse({ type: QualificationView })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.qualifications.get(actor, id);
  }

  @Post()
  @AllowRoles(Role.Admin)
  @ApiCreatedResponse({ type: QualificationView })
  @ApiConflictResponse({ description: 'A qualification with this code exists' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateQualificationDto) {
    return this.qualifications.create(actor, body);
  }

  @Patch(':id')
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: QualificationView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateQualificationDto,
  ) {
    return this.qualifications.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @AllowRoles(Role.Admin)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Equipment types, drivers or work orders still require it' })
  remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.qualifications.remove(actor, id);
  }
}
