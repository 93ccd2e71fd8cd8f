export * from './database';
export * from './http';
export * from './test-environment';
export * from './tokens';
export * from './keycloak-admin';
