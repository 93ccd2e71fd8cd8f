import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { CurrentActor } from '../../core/auth/current-actor.decorator';
import { AllowRoles } from '../../core/auth/route-access';
import { AuditTrailService } from './audit.service';
import { AuditChain } from './audit-chain.service';
import { AuditPage, AuditQuery, AuditVerification } from './dto/audit.dto';

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

  @Get()
  @AllowRoles(Role.Admin, Role.Viewer)
  @ApiOkResponse({ type: AuditPage })
  search(@CurrentActor() actor: Actor, @Query() query: AuditQuery) {
    return this.trail.search(actor, query);
  }
}
