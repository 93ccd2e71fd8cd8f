import { Global, Module } from '@nestjs/common';
import { MachineClientGuard } from '../auth/machine-client.guard';
import { MachineClients } from '../auth/machine-clients.service';
import { TenantDatabase } from './tenant-database.service';
import { TenantGuard } from './tenant.guard';
import { TenantRegistry } from './tenant-registry.service';

@Global()
@Module({
  providers: [TenantRegistry, TenantDatabase, TenantGuard, MachineClients, MachineClientGuard],
  exports: [TenantRegistry, TenantDatabase, TenantGuard, MachineClients, MachineClientGuard],
})
export class TenancyModule {}
