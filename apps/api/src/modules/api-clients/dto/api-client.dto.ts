import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { API_CLIENT_ROLES, type ApiClient, type ApiClientRole } from '@dispatch/domain';
import { OptionalText, RequiredText } from '../../../core/http/dto-rules';
import { PageOf, PageQuery } from '../../../core/http/pagination';
import { CreatorView } from '../../../core/http/creator-view';

export class CreateApiClientDto {
  @RequiredText(100, 'SAP S/4HANA production')
  name: string;

  @ApiProperty({
    enum: API_CLIENT_ROLES,
    enumName: 'ApiClientRole',
    description: 'The one role the machine acts with',
  })
  @IsIn(API_CLIENT_ROLES, { message: `role must be one of: ${API_CLIENT_ROLES.join(', ')}` })
  role: ApiClientRole;

  @OptionalText(500, 'Creates work orders from maintenance notifications')
  description?: string | null;
}

export class ApiClientListQuery extends PageQuery {}

export class ApiClientView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    description:
      'OAuth 2.0 client id for the client-credentials grant (`<tenant>-<name>-<random>`); the `azp` of its tokens',
  })
  clientId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: API_CLIENT_ROLES, enumName: 'ApiClientRole' }) role: ApiClientRole;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: CreatorView }) createdBy: CreatorView;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  secretRotatedAt: string | null;
}

/** Answered by create and rotate-secret only: the secret is shown once and kept by Keycloak alone. */
export class ApiClientWithSecretView extends ApiClientView {
  @ApiProperty({ description: 'Client secret: shown only in this answer, store it now' })
  clientSecret: string;
}

export const ApiClientPage = PageOf(ApiClientView);

export function toApiClientView(client: ApiClient): ApiClientView {
  return {
    id: client.id,
    clientId: client.clientId,
    name: client.name,
    description: client.description,
    role: client.role,
    createdAt: client.createdAt.toISOString(),
    createdBy: { subject: client.createdBySubject, name: client.createdByName },
    secretRotatedAt: client.secretRotatedAt?.toISOString() ?? null,
  };
}
