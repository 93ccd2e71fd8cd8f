import { Module } from '@nestjs/common';
import { DispatchEngineModule } from '../dispatch-engine/dispatch-engine.module';
import { QueueController } from './queue.controller';
import { QueueService } from './queue.service';

@Module({
  imports: [DispatchEngineModule],
  controllers: [QueueController],
  providers: [QueueService],
})
export class QueueModule {}
