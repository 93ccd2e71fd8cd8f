import { Global, Module } from '@nestjs/common';
import { TenantDatabase } from './tenant-database.service';
import { TenantGuard } from './tenant.guard';
import { TenantRegistry } from './tenant-registry.service';

@Global()
@Module({
  providers: [TenantRegistry, TenantDatabase, TenantGuard],
  exports: [TenantRegistry, TenantDatabase, TenantGuard],
})
export class TenancyModule {}
