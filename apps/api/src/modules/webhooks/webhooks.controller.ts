import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
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
import { PageQuery } from '../../core/http/pagination';
import { uuidParam } from '../../core/http/uuid-param';
import {
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryDetailView,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookDeliveryView,
  WebhookPage,
  WebhookSecretView,
  WebhookTestView,
  WebhookView,
  WebhookWithSecretView,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

/** Signed (Standard Webhooks) deliveries of domain events to an ERP's endpoints; admins only. */
@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: WebhookPage })
  list(@CurrentActor() actor: Actor, @Query() query: PageQuery) {
    return this.webhooks.list(actor, query);
  }

  @Post()
  @AllowRoles(Role.Admin)
  @ApiCreatedResponse({
    type: WebhookWithSecretView,
    description: 'The signing secret is in this answer only',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateWebhookDto) {
    return this.webhooks.create(actor, body);
  }

  @Get(':id')
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: WebhookView })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.webhooks.get(actor, id);
  }

  @Patch(':id')
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: WebhookView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateWebhookDto,
  ) {
    return this.webhooks.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @AllowRoles(Role.Admin)
  @ApiNoContentResponse()
  remove(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.webhooks.remove(actor, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: WebhookSecretView })
  rotateSecret(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.webhooks.rotateSecret(actor, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @AllowRoles(Role.Admin)
  @ApiAcceptedResponse({ type: WebhookTestView })
  test(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.webhooks.sendTest(actor, id);
  }

  @Get(':id/deliveries')
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: WebhookDeliveryPage })
  deliveries(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Query() query: WebhookDeliveryQuery,
  ) {
    return this.webhooks.deliveries(actor, id, query);
  }

  @Get(':id/deliveries/:deliveryId')
  @AllowRoles(Role.Admin)
  @ApiOkResponse({ type: WebhookDeliveryDetailView })
  delivery(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('deliveryId', uuidParam('deliveryId')) deliveryId: string,
  ) {
    return this.webhooks.delivery(actor, id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @AllowRoles(Role.Admin)
  @ApiAcceptedResponse({ type: WebhookDeliveryView })
  redeliver(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('deliveryId', uuidParam('deliveryId')) deliveryId: string,
  ) {
    return this.webhooks.redeliver(actor, id, deliveryId);
  }
}
