import { Module } from '@nestjs/common';
import { DispatchEngineModule } from '../dispatch-engine/dispatch-engine.module';
import { EquipmentTypesController } from './equipment-types.controller';
import { EquipmentTypesService } from './equipment-types.service';
import { EquipmentController } from './equipment.controller';
import { EquipmentService } from './equipment.service';

@Module({
  imports: [DispatchEngineModule],
  controllers: [EquipmentTypesController, EquipmentController],
  providers: [EquipmentTypesService, EquipmentService],
  exports: [EquipmentTypesService, EquipmentService],
})
export class EquipmentModule {}
