import { Module } from '@nestjs/common';
import { DispatchEngineModule } from '../dispatch-engine/dispatch-engine.module';
import { DriversController } from './drivers.controller';
import { DriversService } from './drivers.service';

@Module({
  imports: [DispatchEngineModule],
  controllers: [DriversController],
  providers: [DriversService],
  exports: [DriversService],
})
export class DriversModule {}
