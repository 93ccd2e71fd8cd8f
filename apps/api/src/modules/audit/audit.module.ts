import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditChain } from './audit-chain.service';
import { AuditTrailService } from './audit.service';

@Module({
  controllers: [AuditController],
  providers: [AuditTrailService, AuditChain],
  exports: [AuditTrailService, AuditChain],
})
export class AuditModule {}
