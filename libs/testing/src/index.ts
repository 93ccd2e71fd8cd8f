export * from './api-process';
export * from './database';
export * from './http';
export * from './test-environment';
export * from './tokens';
export * from './keycloak-admin';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the test harness shares the repo's port helper
export { freePort, portAccepts } from '../../../tools/net/ports';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the development realm's API client secret
export { DEV_API_CLIENT_SECRET } from '../../../tools/keycloak/keycloak';
export * from './chromium';
export * from './invariants';
