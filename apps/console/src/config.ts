/**
 * Where the console finds the API and Keycloak; set at build time (VITE_*), defaults for `npm start`.
 * A path (`/auth`) or an empty value means "on the origin the console is served from": the build
 * behind the deployment's nginx uses VITE_API_URL= and VITE_KEYCLOAK_URL=/auth.
 */
export function onServingOrigin(value: string, origin: string): string {
  return value === '' || value.startsWith('/') ? `${origin}${value}`.replace(/\/$/, '') : value;
}

const origin = typeof window === 'undefined' ? '' : window.location.origin;

export const config = {
  apiUrl: onServingOrigin(import.meta.env.VITE_API_URL ?? 'http://localhost:3000', origin),
  keycloakUrl: onServingOrigin(
    import.meta.env.VITE_KEYCLOAK_URL ?? 'http://localhost:8080',
    origin,
  ),
  realm: 'dispatch',
  clientId: 'dispatch-console',
  /**
   * Map tiles, an XYZ template such as `https://tiles.example.com/{z}/{x}/{y}.png`; without one the
   * maps draw on a plain background and request nothing off the machine.
   */
  mapTileUrl: (import.meta.env.VITE_MAP_TILE_URL as string | undefined) || undefined,
  /** The credit the tile source asks for (HTML), shown in the map's corner. */
  mapAttribution: (import.meta.env.VITE_MAP_ATTRIBUTION as string | undefined) ?? '',
};
