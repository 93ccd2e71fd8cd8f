import { ApiProperty } from '@nestjs/swagger';

/** Who created a record, as the admin screens show it. */
export class CreatorView {
  @ApiProperty({ description: 'Keycloak subject' }) subject: string;
  @ApiProperty({ description: 'Name at the time (preferred username or API client name)' })
  name: string;
}
