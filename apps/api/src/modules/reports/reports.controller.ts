import { Controller, Get, Query, Req, type StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Role } from '@dispatch/domain';
import type { Request } from 'express';
import type { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/current-actor.decorator';
import { AllowRoles } from '../../core/auth/route-access';
import { csvDownload, wantsCsv } from '../../core/http/csv-response';
import { ReportQuery } from './dto/report-query.dto';
import {
  CompletionReport,
  DriversReport,
  QueueReport,
  UtilizationReport,
} from './dto/report-rows.dto';
import type { ReportName } from './report-definitions';
import { type ReportResult, ReportsService } from './reports.service';

const RANGE_NOTE =
  'The range is `from`..`to`, whole local days in `tz` (default UTC). Filter by `siteId` and `equipmentTypeId`. `format=csv` (or `Accept: text/csv`) streams the rows, the total last, as CSV.';

@ApiTags('reports')
@ApiProduces('application/json', 'text/csv')
@ApiExtraModels(UtilizationReport, CompletionReport, QueueReport, DriversReport)
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('utilization')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOperation({
    summary: 'Share of the time each unit and each type spent dispatched, in maintenance and idle',
    description: RANGE_NOTE,
  })
  @ApiOkResponse({ type: UtilizationReport })
  utilization(@CurrentActor() actor: Actor, @Query() query: ReportQuery, @Req() request: Request) {
    return this.respond<UtilizationReport['total']>('utilization', actor, query, request);
  }

  @Get('completion')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOperation({
    summary:
      'Work orders created, dispatched, completed and cancelled per day; lead times; on-time rate',
    description: RANGE_NOTE,
  })
  @ApiOkResponse({ type: CompletionReport })
  completion(@CurrentActor() actor: Actor, @Query() query: ReportQuery, @Req() request: Request) {
    return this.respond<CompletionReport['total']>('completion', actor, query, request);
  }

  @Get('queue')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOperation({
    summary: 'Queue depth now and waiting times over the range, by priority',
    description: RANGE_NOTE,
  })
  @ApiOkResponse({ type: QueueReport })
  queue(@CurrentActor() actor: Actor, @Query() query: ReportQuery, @Req() request: Request) {
    return this.respond<QueueReport['total']>('queue', actor, query, request);
  }

  @Get('drivers')
  @AllowRoles(Role.Admin, Role.Dispatcher, Role.Viewer)
  @ApiOperation({ summary: 'Dispatches and hours on dispatch per driver', description: RANGE_NOTE })
  @ApiOkResponse({ type: DriversReport })
  drivers(@CurrentActor() actor: Actor, @Query() query: ReportQuery, @Req() request: Request) {
    return this.respond<DriversReport['total']>('drivers', actor, query, request);
  }

  private async respond<Row>(
    name: ReportName,
    actor: Actor,
    query: ReportQuery,
    request: Request,
  ): Promise<ReportResult<Row> | StreamableFile> {
    if (!wantsCsv(query.format, request)) return this.reports.report<Row>(actor, name, query);
    const stream = await this.reports.csv(actor, name, query);
    return csvDownload(stream, this.reports.csvFileName(name, query));
  }
}
