import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsEnum,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Role } from '@dispatch/domain';
import { RequiredText } from '../../../core/http/dto-rules';

export class CreateUserDto {
  @ApiProperty({ example: 'acme-jsmith' })
  @Matches(/^[a-z0-9][a-z0-9._-]{2,59}$/, {
    message: 'username: 3–60 lower-case letters, digits, dot, dash, underscore',
  })
  username: string;

  @ApiProperty({ maxLength: 254 })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @RequiredText(100, 'Jane')
  firstName: string;

  @RequiredText(100, 'Smith')
  lastName: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role: Role;

  @ApiProperty({ minLength: 8, maxLength: 128, description: 'Initial password' })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;

  @ApiPropertyOptional({
    default: true,
    description: 'The user must choose a new password at first sign-in',
  })
  @IsOptional()
  @IsBoolean()
  temporaryPassword?: boolean;
}

/** A user's name and email as an admin corrects them (a username never changes: it is the login). */
class UserProfileChanges extends PartialType(
  PickType(CreateUserDto, ['email', 'firstName', 'lastName'] as const),
) {}

export class UpdateUserDto extends UserProfileChanges {
  @ApiPropertyOptional({ description: 'false disables the login at once' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;
}

export class ResetPasswordDto {
  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  temporary?: boolean;
}

export class UserView {
  @ApiProperty() id: string;
  @ApiProperty() username: string;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ description: 'First and last name; the username when the user has neither' })
  name: string;
  @ApiProperty({ type: String, nullable: true }) firstName: string | null;
  @ApiProperty({ type: String, nullable: true }) lastName: string | null;
  @ApiProperty({ enum: Role, type: String, nullable: true }) role: Role | null;
  @ApiProperty() enabled: boolean;
}
