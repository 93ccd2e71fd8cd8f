import { Module } from '@nestjs/common';
import { DispatchEngineModule } from '../dispatch-engine/dispatch-engine.module';
import { WorkOrdersController } from './work-orders.controller';
import { WorkOrdersService } from './work-orders.service';

/** The Dispatch module's work orders: creating one dispatches it at once or queues it. */
@Module({
  imports: [DispatchEngineModule],
  controllers: [WorkOrdersController],
  providers: [WorkOrdersService],
  exports: [WorkOrdersService],
})
export class WorkOrdersModule {}
