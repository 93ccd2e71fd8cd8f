import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/current-actor.decorator';
import { AllowRoles } from '../../core/auth/route-access';
import { AuditTrailService } from './audit.service';
import { AuditChain } from './audit-chain.service';
import { csvDownload } from '../../core/http/csv-response';
import { AuditFilter, AuditPage, AuditQuery, AuditVerification } from './dto/audit.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly trail: AuditTrailService,
    private readonly chain: AuditChain,
  ) {}

  @Get('verify')
  @AllowRoles(Role.Admin, Role.Viewer)
  @ApiOkResponse({ type: AuditVerification })
  verify(@CurrentActor() actor: Actor) {
    return this.chain.verify(actor);
  }

  @Get('export')
  @AllowRoles(Role.Admin, Role.Viewer)
  @ApiOperation({
    summary: 'Every event matching the filters as CSV, oldest first (streamed)',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv with a header line; before and after as JSON text' })
  async export(@CurrentActor() actor: Actor, @Query() filter: AuditFilter) {
    const stream = await this.trail.export(actor, filter);
    return csvDownload(stream, `audit-${new Date().toISOString().slice(0, 10)}.csv`);
  }

  @Get()
  @AllowRoles(Role.Admin, Role.Viewer)
  @ApiOkResponse({ type: AuditPage })
  search(@CurrentActor() actor: Actor, @Query() query: AuditQuery) {
    return this.trail.search(actor, query);
  }
}
