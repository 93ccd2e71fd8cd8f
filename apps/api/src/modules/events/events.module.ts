import { Module } from '@nestjs/common';
import { EventHub } from './event-hub.service';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

/** Live updates: committed domain events read from the outbox and streamed to subscribers of every API instance. */
@Module({
  controllers: [EventsController],
  providers: [EventHub, EventsService],
  exports: [EventHub],
})
export class EventsModule {}
