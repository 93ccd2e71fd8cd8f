import { ApiProperty } from '@nestjs/swagger';

const nullableNumber = (description?: string) =>
  ApiProperty({ type: Number, nullable: true, description });
const nullableString = (description?: string) =>
  ApiProperty({ type: String, nullable: true, description });

export class UtilizationRow {
  @ApiProperty({ enum: ['unit', 'type', 'total'] }) level: 'unit' | 'type' | 'total';
  @nullableString() equipmentTypeCode: string | null;
  @nullableString() equipmentTypeName: string | null;
  @nullableString() equipmentId: string | null;
  @nullableString() equipmentCode: string | null;
  @nullableString() equipmentName: string | null;
  @ApiProperty({ description: 'Units counted in this row' }) units: number;
  @ApiProperty({ description: 'Assignments that began in the range' }) dispatches: number;
  @ApiProperty({ description: 'Hours of the range the units existed and were not retired' })
  inServiceHours: number;
  @ApiProperty({ description: 'Hours on dispatches (to the filtered site, if any)' })
  dispatchedHours: number;
  @ApiProperty({ description: 'With a site filter: hours on dispatches to other sites' })
  otherSitesHours: number;
  @ApiProperty() maintenanceHours: number;
  @ApiProperty() idleHours: number;
  @nullableNumber('Share of the in-service hours, 0–1') dispatchedShare: number | null;
  @nullableNumber() otherSitesShare: number | null;
  @nullableNumber() maintenanceShare: number | null;
  @nullableNumber() idleShare: number | null;
}

export class CompletionRow {
  @ApiProperty({ description: 'Local day (YYYY-MM-DD), or `total`' }) day: string;
  @ApiProperty() created: number;
  @ApiProperty({ description: 'Work orders first dispatched that day' }) dispatched: number;
  @ApiProperty() completed: number;
  @ApiProperty() cancelled: number;
  @nullableNumber('Of the orders created that day') toDispatchMedianMinutes: number | null;
  @nullableNumber() toDispatchP90Minutes: number | null;
  @nullableNumber() toOnSiteMedianMinutes: number | null;
  @nullableNumber() toOnSiteP90Minutes: number | null;
  @nullableNumber() toCompletionMedianMinutes: number | null;
  @nullableNumber() toCompletionP90Minutes: number | null;
  @ApiProperty({ description: 'Windowed orders (not cancelled) whose window closed that day' })
  windowsClosed: number;
  @ApiProperty({ description: 'Of those, the ones whose unit was on site by the window’s end' })
  onTime: number;
  @nullableNumber() onTimeRate: number | null;
}

export class QueueRow {
  @ApiProperty({ enum: ['emergency', 'urgent', 'standard', 'low', 'total'] }) priority: string;
  @ApiProperty({ description: 'Due work waiting now' }) waitingNow: number;
  @ApiProperty({ description: 'Scheduled work queued now, not due yet' }) scheduledNow: number;
  @nullableNumber() longestWaitMinutes: number | null;
  @nullableString('e.g. WO-000123') longestWaitingWorkOrderNumber: string | null;
  @ApiProperty({ description: 'Work orders first dispatched in the range' }) dispatched: number;
  @nullableNumber('Wait from due to first dispatch') waitMedianMinutes: number | null;
  @nullableNumber() waitP90Minutes: number | null;
  @nullableNumber() waitP99Minutes: number | null;
}

export class DriverRow {
  @ApiProperty({ enum: ['driver', 'total'] }) level: 'driver' | 'total';
  @nullableString() driverId: string | null;
  @nullableString() driverName: string | null;
  @ApiProperty({ description: 'Assignments that began in the range' }) dispatches: number;
  @ApiProperty({ description: 'Assignments the driver completed in the range' }) completed: number;
  @ApiProperty({ description: 'Hours on dispatch inside the range' }) hoursOnDispatch: number;
}

abstract class ReportEnvelope {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty() timeZone: string;
  @ApiProperty({ format: 'date-time', description: 'Start of the first day in the time zone' })
  rangeStart: string;
  @ApiProperty({ format: 'date-time', description: 'End of the last day (exclusive)' })
  rangeEnd: string;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
}

export class UtilizationReport extends ReportEnvelope {
  @ApiProperty({ type: [UtilizationRow], description: 'Each type, then its units' })
  rows: UtilizationRow[];
  @ApiProperty({ type: UtilizationRow }) total: UtilizationRow;
}

export class CompletionReport extends ReportEnvelope {
  @ApiProperty({ type: [CompletionRow], description: 'Every day of the range' })
  rows: CompletionRow[];
  @ApiProperty({ type: CompletionRow }) total: CompletionRow;
}

export class QueueReport extends ReportEnvelope {
  @ApiProperty({ type: [QueueRow], description: 'One row per priority' }) rows: QueueRow[];
  @ApiProperty({ type: QueueRow }) total: QueueRow;
}

export class DriversReport extends ReportEnvelope {
  @ApiProperty({ type: [DriverRow], description: 'Drivers with work in the range, by name' })
  rows: DriverRow[];
  @ApiProperty({ type: DriverRow }) total: DriverRow;
}
