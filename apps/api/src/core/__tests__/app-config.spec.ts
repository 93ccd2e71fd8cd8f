import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/app-config';

describe('configuration', () => {
  it('applies defaults around the one required setting', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h/db' });
    expect(config).toMatchObject({
      PORT: 3000,
      KEYCLOAK_URL: 'http://localhost:8080',
      KEYCLOAK_REALM: 'dispatch',
      MIGRATE_ON_START: true,
    });
  });

  it('names every missing or bad setting in one message', () => {
    expect(() =>
      loadConfig({ PORT: 'eighty', KEYCLOAK_URL: 'not a url', LOG_LEVEL: 'loud' }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', KEYCLOAK_URL: 'not a url', LOG_LEVEL: 'loud' });
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['DATABASE_URL', 'PORT', 'KEYCLOAK_URL', 'LOG_LEVEL'])
        expect(message).toContain(name);
    }
  });

  it('sets rate limits the benchmark does not meet, and refuses senseless ones', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h/db' });
    expect(config).toMatchObject({
      RATE_LIMIT_ENABLED: true,
      RATE_LIMIT_WINDOW_SECONDS: 10,
      RATE_LIMIT_CLIENT_REQUESTS: 10_000,
      RATE_LIMIT_TENANT_REQUESTS: 20_000,
      RATE_LIMIT_SYNC_MILLISECONDS: 100,
    });
    expect(() =>
      loadConfig({
        DATABASE_URL: 'postgres://u@h/db',
        RATE_LIMIT_WINDOW_SECONDS: '0',
        RATE_LIMIT_CLIENT_REQUESTS: 'many',
        RATE_LIMIT_SYNC_MILLISECONDS: '1',
      }),
    ).toThrow(
      /RATE_LIMIT_WINDOW_SECONDS[\s\S]*RATE_LIMIT_CLIENT_REQUESTS[\s\S]*RATE_LIMIT_SYNC_MILLISECONDS/,
    );
  });

  it('reads secrets from *_FILE', () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'dispatch-config-'));
    const file = path.join(directory, 'database-url');
    writeFileSync(file, 'postgres://secret@db/dispatch\n');
    writeFileSync(path.join(directory, 'secret'), 's3cret');
    const config = loadConfig({
      DATABASE_URL_FILE: file,
      KEYCLOAK_CLIENT_SECRET_FILE: path.join(directory, 'secret'),
      MIGRATE_ON_START: 'false',
    });
    expect(config.DATABASE_URL).toBe('postgres://secret@db/dispatch');
    expect(config.KEYCLOAK_CLIENT_SECRET).toBe('s3cret');
    expect(config.MIGRATE_ON_START).toBe(false);
  });
});
