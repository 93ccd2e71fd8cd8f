import { ApiProperty } from '@nestjs/swagger';
import { Priority } from '@dispatch/domain';
import { PageOf } from '../../core/http/pagination';
import { BlockerView, WorkOrderView } from '../work-orders/dto/work-order.dto';

export class QueueItemView {
  @ApiProperty({ type: WorkOrderView }) workOrder: WorkOrderView;
  @ApiProperty({ description: '1 is served next' }) position: number;
  @ApiProperty() waitingSeconds: number;
  @ApiProperty({
    enum: Priority,
    description: 'Priority after aging: what the order is served as now',
  })
  effectivePriority: Priority;
  @ApiProperty({ type: [BlockerView] }) blockedBy: BlockerView[];
}

export const QueuePage = PageOf(QueueItemView);
