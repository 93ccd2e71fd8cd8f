/** Where the console finds the API and Keycloak; set at build time (VITE_*), defaults for `npm start`. */
export const config = {
  apiUrl: import.meta.env.VITE_API_URL ?? 'http://localhost:3000',
  keycloakUrl: import.meta.env.VITE_KEYCLOAK_URL ?? 'http://localhost:8080',
  realm: 'dispatch',
  clientId: 'dispatch-console',
};
