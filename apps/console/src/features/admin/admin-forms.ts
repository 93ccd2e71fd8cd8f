import type {
  CreateDriverDto,
  CreateEquipmentDto,
  CreateEquipmentTypeDto,
  CreateQualificationDto,
  CreateSiteDto,
  CreateUserDto,
  CreateUserDtoRole,
  DriverView,
  DutyStatus,
  EquipmentTypeView,
  EquipmentView,
  QualificationView,
  SiteView,
  UpdateEquipmentDtoStatus,
  UserView,
} from '@dispatch/api-client';
import { z } from 'zod';

/**
 * The admin editors' forms, checked before they are sent, each one form for creating and editing
 * its record: `…FromRecord` fills it from the record (or leaves it empty for a new one) and
 * `to…Dto` turns what was checked into the API's body (the same for POST and PATCH). The limits
 * are the API's (apps/api DTOs).
 */

/** Codes of qualifications, types and units: letters, digits, dot, dash, underscore. */
const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A phone number: digits with the usual separators, an optional +, three digits at least. */
const PHONE_PATTERN = /^(?=(?:\D*\d){3})\+?[\d ()./-]+$/;
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,59}$/;
const DRIVER_LOGIN_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,254}$/;
export const PASSWORD_MIN = 8;

const required = (what: string, max: number) =>
  z.string().trim().min(1, `Give the ${what}`).max(max, `At most ${max} characters`);

const optional = (max: number) => z.string().trim().max(max, `At most ${max} characters`);

const code = (what: string) =>
  required(what, 50).regex(CODE_PATTERN, 'Letters, digits, dot, dash and underscore only');

/** Blank is no value: the API clears the field. */
const orNull = (value: string): string | null => (value === '' ? null : value);

/** A coordinate from a number input: a number, or the text being typed. */
function coordinate(what: 'Latitude' | 'Longitude') {
  const limit = what === 'Latitude' ? 90 : 180;
  return z.union([z.number(), z.string()]).transform((value, context): number => {
    const number = typeof value === 'number' ? value : Number(value);
    if (value === '' || !Number.isFinite(number)) {
      context.addIssue({ code: 'custom', message: `Give the ${what.toLowerCase()}` });
      return z.NEVER;
    }
    if (Math.abs(number) > limit) {
      context.addIssue({ code: 'custom', message: `${what} lies between −${limit} and ${limit}` });
      return z.NEVER;
    }
    return number;
  });
}

/** A coordinate that may be left empty (null: not known). */
const optionalCoordinate = (what: 'Latitude' | 'Longitude') =>
  z.union([z.literal('').transform(() => null), coordinate(what)]);

/** A choice a Select leaves empty (null) until one is made, required here. */
function chosen(message: string) {
  return z
    .string()
    .nullable()
    .transform((value, context) => {
      if (value) return value;
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    });
}

// Sites

export const siteFormSchema = z.object({
  name: required('site a name', 200),
  address: required('address', 500),
  latitude: coordinate('Latitude'),
  longitude: coordinate('Longitude'),
  contactName: optional(200),
  contactPhone: optional(40).refine(
    (value) => value === '' || PHONE_PATTERN.test(value),
    'Digits, spaces and + ( ) - . / only',
  ),
  externalRef: optional(100),
});
export type SiteFormValues = z.input<typeof siteFormSchema>;
export type CheckedSiteForm = z.output<typeof siteFormSchema>;

export function siteFormFromRecord(site?: SiteView): SiteFormValues {
  return {
    name: site?.name ?? '',
    address: site?.address ?? '',
    latitude: site?.latitude ?? '',
    longitude: site?.longitude ?? '',
    contactName: site?.contactName ?? '',
    contactPhone: site?.contactPhone ?? '',
    externalRef: site?.externalRef ?? '',
  };
}

export function toSiteDto(form: CheckedSiteForm): CreateSiteDto {
  return {
    name: form.name,
    address: form.address,
    latitude: form.latitude,
    longitude: form.longitude,
    contactName: orNull(form.contactName),
    contactPhone: orNull(form.contactPhone),
    externalRef: orNull(form.externalRef),
  };
}

// Qualifications

export const qualificationFormSchema = z.object({
  code: code('code'),
  name: required('name', 200),
});
export type QualificationFormValues = z.input<typeof qualificationFormSchema>;
export type CheckedQualificationForm = z.output<typeof qualificationFormSchema>;

export function qualificationFormFromRecord(
  qualification?: QualificationView,
): QualificationFormValues {
  return { code: qualification?.code ?? '', name: qualification?.name ?? '' };
}

export function toQualificationDto(form: CheckedQualificationForm): CreateQualificationDto {
  return form;
}

// Equipment types

export const equipmentTypeFormSchema = z.object({
  code: code('code'),
  name: required('name', 200),
  requiredQualificationIds: z.array(z.string()).max(50, 'At most 50 qualifications'),
});
export type EquipmentTypeFormValues = z.input<typeof equipmentTypeFormSchema>;
export type CheckedEquipmentTypeForm = z.output<typeof equipmentTypeFormSchema>;

export function equipmentTypeFormFromRecord(type?: EquipmentTypeView): EquipmentTypeFormValues {
  return {
    code: type?.code ?? '',
    name: type?.name ?? '',
    requiredQualificationIds: type?.requiredQualifications.map((required) => required.id) ?? [],
  };
}

export function toEquipmentTypeDto(form: CheckedEquipmentTypeForm): CreateEquipmentTypeDto {
  return form;
}

// Units

/** What an admin may set a unit to; `dispatched` comes only from dispatching. */
export const SETTABLE_UNIT_STATUSES = [
  'available',
  'maintenance',
  'retired',
] as const satisfies readonly UpdateEquipmentDtoStatus[];

export const unitFormSchema = z.object({
  code: code('code'),
  name: required('name', 200),
  equipmentTypeId: chosen('Choose the type'),
  /** Null while the unit is dispatched: its status is then not the admin's to set. */
  status: z.enum(SETTABLE_UNIT_STATUSES).nullable(),
  latitude: optionalCoordinate('Latitude'),
  longitude: optionalCoordinate('Longitude'),
});
export type UnitFormValues = z.input<typeof unitFormSchema>;
export type CheckedUnitForm = z.output<typeof unitFormSchema>;

export function unitFormFromRecord(unit?: EquipmentView): UnitFormValues {
  return {
    code: unit?.code ?? '',
    name: unit?.name ?? '',
    equipmentTypeId: unit?.equipmentTypeId ?? null,
    status: !unit ? 'available' : unit.status === 'dispatched' ? null : unit.status,
    latitude: unit?.latitude ?? '',
    longitude: unit?.longitude ?? '',
  };
}

/** A new unit is created available, and its status set afterwards if another was chosen. */
export function toUnitDto(form: CheckedUnitForm): CreateEquipmentDto & {
  status?: UpdateEquipmentDtoStatus;
} {
  return {
    code: form.code,
    name: form.name,
    equipmentTypeId: form.equipmentTypeId,
    latitude: form.latitude,
    longitude: form.longitude,
    ...(form.status ? { status: form.status } : {}),
  };
}

// Drivers

export const DUTY_LABEL: Record<DutyStatus, string> = {
  on_duty: 'On duty',
  off_duty: 'Off duty',
};

export const driverFormSchema = z.object({
  name: required('name', 200),
  phone: optional(40),
  email: optional(320).refine(
    (value) => value === '' || z.email().safeParse(value).success,
    'Not an email address',
  ),
  username: optional(255).refine(
    (value) => value === '' || DRIVER_LOGIN_PATTERN.test(value),
    'A Keycloak username: lower case letters, digits and . _ @ -',
  ),
  dutyStatus: z.enum(['on_duty', 'off_duty']),
});
export type DriverFormValues = z.input<typeof driverFormSchema>;
export type CheckedDriverForm = z.output<typeof driverFormSchema>;

export function driverFormFromRecord(driver?: DriverView): DriverFormValues {
  return {
    name: driver?.name ?? '',
    phone: driver?.phone ?? '',
    email: driver?.email ?? '',
    username: driver?.username ?? '',
    dutyStatus: driver?.dutyStatus ?? 'off_duty',
  };
}

/** The driver's facts; the qualifications are edited one by one (see held-qualifications.ts). */
export function toDriverDto(form: CheckedDriverForm): Omit<CreateDriverDto, 'qualifications'> {
  return {
    name: form.name,
    phone: orNull(form.phone),
    email: orNull(form.email),
    username: orNull(form.username),
    dutyStatus: form.dutyStatus,
  };
}

// Users

export const ROLES = [
  'dispatcher',
  'driver',
  'viewer',
  'admin',
] as const satisfies readonly CreateUserDtoRole[];

export const ROLE_LABEL: Record<CreateUserDtoRole, string> = {
  admin: 'Admin',
  dispatcher: 'Dispatcher',
  driver: 'Driver',
  viewer: 'Viewer',
};

export const userFormSchema = z.object({
  username: z
    .string()
    .trim()
    .regex(USERNAME_PATTERN, '3–60 lower-case letters, digits, dot, dash, underscore'),
  email: z.email('Not an email address').max(254),
  firstName: required('first name', 100),
  lastName: required('last name', 100),
  role: z.enum(ROLES, 'Choose a role'),
  password: z.string().min(PASSWORD_MIN, `At least ${PASSWORD_MIN} characters`).max(128),
});
export type UserFormValues = z.input<typeof userFormSchema>;
export type CheckedUserForm = z.output<typeof userFormSchema>;

export const EMPTY_USER_FORM: UserFormValues = {
  username: '',
  email: '',
  firstName: '',
  lastName: '',
  role: 'dispatcher',
  password: '',
};

export function toCreateUserDto(form: CheckedUserForm): CreateUserDto {
  return { ...form, temporaryPassword: true };
}

/** What an admin corrects of a user: their name and email (the username is the login). */
export const userProfileSchema = userFormSchema.pick({
  email: true,
  firstName: true,
  lastName: true,
});
export type UserProfileValues = z.input<typeof userProfileSchema>;
export type CheckedUserProfile = z.output<typeof userProfileSchema>;

export function userProfileFromRecord(user: UserView): UserProfileValues {
  return {
    email: user.email ?? '',
    firstName: user.firstName ?? '',
    lastName: user.lastName ?? '',
  };
}
