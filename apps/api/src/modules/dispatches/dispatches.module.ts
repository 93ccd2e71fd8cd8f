import { Module } from '@nestjs/common';
import { DispatchEngineModule } from '../dispatch-engine/dispatch-engine.module';
import { DispatchesController } from './dispatches.controller';
import { DispatchesService } from './dispatches.service';

@Module({
  imports: [DispatchEngineModule],
  controllers: [DispatchesController],
  providers: [DispatchesService],
  exports: [DispatchesService],
})
export class DispatchesModule {}
