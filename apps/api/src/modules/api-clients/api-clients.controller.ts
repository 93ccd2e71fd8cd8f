import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
import { ApiClientsService } from './api-clients.service';
import {
  ApiClientListQuery,
  ApiClientPage,
  ApiClientWithSecretView,
  CreateApiClientDto,
} from './dto/api-client.dto';

/** Machine clients of the organization (ERP systems), for the client-credentials grant. */
@ApiTags('api-clients')
@Controller('api-clients')
export class ApiClientsController {
  constructor(private readonly apiClients: ApiClientsService) {}

  @Get()
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: ApiClientPage, description: 'Never shows a secret' })
  list(@CurrentActor() actor: Actor, @Query() query: ApiClientListQuery) {
    return this.apiClients.list(actor, query);
  }

  @Post()
  @AllowRoles(Role.Admin)
  @ApiCreatedResponse({ type: ApiClientWithSecretView, description: 'The secret is shown once' })
  @ApiConflictResponse({ description: 'An API client of this name exists' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateApiClientDto) {
    return this.apiClients.create(actor, body);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @AllowRoles(Role.Admin)
  @ApiOkResponse({
    type: ApiClientWithSecretView,
    description: 'The new secret, shown once; the old one stops working at once',
  })
  @ApiNotFoundResponse()
  rotateSecret(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.apiClients.rotateSecret(actor, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @AllowRoles(Role.Admin)
  @ApiNoContentResponse({
    description:
      'Keycloak refuses new tokens at once; tokens already issued are refused (401) within seconds',
  })
  @ApiNotFoundResponse()
  remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.apiClients.remove(actor, id);
  }
}
