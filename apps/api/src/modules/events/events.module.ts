import { Module } from '@nestjs/common';
import { EventHub } from './event-hub.service';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

/** Live updates: committed changes streamed to subscribers of every API instance (PostgreSQL LISTEN/NOTIFY). */
@Module({
  controllers: [EventsController],
  providers: [EventHub, EventsService],
  exports: [EventHub],
})
export class EventsModule {}
