import { Module } from '@nestjs/common';
import { DispatchEngine } from './dispatch-engine.service';
import { QueueExplainer } from './queue-explainer.service';
import { ScheduleSweeper } from './schedule-sweeper.service';

/** The matching and queue engine, used by every module whose changes can dispatch or free capacity. */
@Module({
  providers: [DispatchEngine, QueueExplainer, ScheduleSweeper],
  exports: [DispatchEngine, QueueExplainer, ScheduleSweeper],
})
export class DispatchEngineModule {}
