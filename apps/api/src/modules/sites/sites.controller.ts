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
import { CreateSiteDto, SiteListQuery, SitePage, SiteView, UpdateSiteDto } from './dto/site.dto';
import { SitesService } from './sites.service';

@ApiTags('sites')
@Controller('sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  @Get()
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Driver, Role.Viewer)
  @ApiOkResponse({ type: SitePage })
  list(@CurrentActor() actor: Actor, @Query() query: SiteListQuery) {
    return this.sites.list(actor, query);
  }

  @Get(':id')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Driver, Role.Viewer)
  @ApiOkResponse({ type: SiteView })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.sites.get(actor, id);
  }

  @Post()
  @AllowRoles(Role.Admin)
  @ApiCreatedResponse({ type: SiteView })
  @ApiConflictResponse({ description: 'A site with this name exists' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateSiteDto) {
    return this.sites.create(actor, body);
  }

  @Patch(':id')
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: SiteView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateSiteDto,
  ) {
    return this.sites.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @AllowRoles(Role.Admin)
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'Work orders still refer to the site' })
  remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.sites.remove(actor, id);
  }
}
