import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Webhook subscriptions per tenant and the delivery of their events from the outbox. */
@Module({
  imports: [EventsModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookDeliveryWorker],
})
export class WebhooksModule {}
