import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../enums';

/** The roles an API client (an ERP's machine client) may hold. */
export type ApiClientRole = Role.Dispatcher | Role.Viewer;
export const API_CLIENT_ROLES: readonly ApiClientRole[] = [Role.Dispatcher, Role.Viewer];

/**
 * A machine client of the tenant: a confidential Keycloak client whose service account acts for an
 * ERP system with one role. This registry is what the API trusts: a machine token whose client is
 * not (or no longer) listed here is refused, whatever Keycloak signed. The secret lives in Keycloak
 * only.
 */
@Entity({ name: 'api_clients' })
@Check('api_clients_role_valid', `role IN ('dispatcher', 'viewer')`)
export class ApiClient {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Keycloak's `clientId` (the token's `azp`): `<tenant>-<slug of the name>-<random>`. */
  @Column({ type: 'varchar', length: 255, unique: true })
  clientId: string;

  /** Keycloak's internal id of the client (for its admin API). */
  @Column({ type: 'uuid', unique: true })
  keycloakId: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 20 })
  role: ApiClientRole;

  @Column({ type: 'varchar', length: 64 })
  createdBySubject: string;

  @Column({ type: 'varchar', length: 255 })
  createdByName: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  secretRotatedAt: Date | null;
}
