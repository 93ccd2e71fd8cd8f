/** What the console reads from the access token Keycloak issues. */
export interface TokenClaims {
  preferred_username?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  tenant?: string;
  realm_access?: { roles?: string[] };
}

/** What the header calls the user: the name a person goes by, the login name only without one. */
export function displayNameOf(claims: TokenClaims): string {
  const full =
    claims.name?.trim() ||
    [claims.given_name?.trim(), claims.family_name?.trim()].filter(Boolean).join(' ');
  return full || claims.preferred_username || '';
}
