#!/bin/sh
# First start of the compose deployment's PostgreSQL: Keycloak's login and database, and the API's
# login (a member of dispatch_api, which may not rewrite the audit trail). Passwords come from the
# Docker secrets, never from the environment.
set -eu
keycloak_password=$(cat /run/secrets/keycloak-db-password)
api_password=$(cat /run/secrets/api-db-password)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v keycloak_password="$keycloak_password" -v api_password="$api_password" <<'SQL'
CREATE ROLE keycloak LOGIN PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak;
CREATE ROLE dispatch_api NOLOGIN;
CREATE ROLE dispatch_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'api_password';
GRANT dispatch_api TO dispatch_app;
SQL
