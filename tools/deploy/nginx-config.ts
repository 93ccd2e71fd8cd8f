/**
 * Renders the deployment's nginx templates (tools/deploy/nginx/*.template) the way nginx's official
 * image does at start: `${NAME}` (upper case) is replaced by the given value, nginx's own
 * `$variables` are left alone. A name without a value is an error, never an empty string.
 */
import fs from 'node:fs';
import path from 'node:path';

export const NGINX_TEMPLATE_DIR = path.join(__dirname, 'nginx');

export function renderTemplate(template: string, values: Record<string, string | number>): string {
  const missing = new Set<string>();
  const rendered = template.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing.add(name);
      return '';
    }
    return String(value);
  });
  if (missing.size > 0) throw new Error(`No value for ${[...missing].join(', ')}`);
  return rendered;
}

export interface DispatchNginxValues {
  httpPort: number;
  httpsPort: number;
  /** The HTTPS port clients use (differs from httpsPort behind a port mapping). */
  publicHttpsPort: number;
  api: [string, string];
  keycloak: string;
  tlsCertFile: string;
  tlsKeyFile: string;
  caFile: string;
  consoleRoot: string;
  accessLog: string;
}

export function renderDispatchConf(values: DispatchNginxValues): string {
  return renderTemplate(
    fs.readFileSync(path.join(NGINX_TEMPLATE_DIR, 'dispatch.conf.template'), 'utf8'),
    {
      NGINX_HTTP_PORT: values.httpPort,
      NGINX_HTTPS_PORT: values.httpsPort,
      NGINX_PUBLIC_HTTPS_PORT: values.publicHttpsPort,
      API_1_ADDRESS: values.api[0],
      API_2_ADDRESS: values.api[1],
      KEYCLOAK_ADDRESS: values.keycloak,
      TLS_CERT_FILE: values.tlsCertFile,
      TLS_KEY_FILE: values.tlsKeyFile,
      CA_FILE: values.caFile,
      CONSOLE_ROOT: values.consoleRoot,
      NGINX_ACCESS_LOG: values.accessLog,
    },
  );
}

/** Debian's nginx keeps mime.types here; the official image too. */
const MIME_TYPES_CANDIDATES = ['/etc/nginx/mime.types', '/usr/local/nginx/conf/mime.types'];

/**
 * Writes a self-contained nginx configuration under `prefix` (main file, dispatch.conf, logs and
 * temp folders) and returns the main file's path: `nginx -p <prefix> -c <file>`.
 */
export function writeNativeNginxConfig(
  prefix: string,
  values: DispatchNginxValues,
  options: { user?: string } = {},
): string {
  const mimeTypes = MIME_TYPES_CANDIDATES.find((file) => fs.existsSync(file));
  if (!mimeTypes) throw new Error('nginx is not installed: apt-get install -y nginx');
  for (const dir of ['logs', 'temp'])
    fs.mkdirSync(path.join(prefix, dir), { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(prefix, 'dispatch.conf'), renderDispatchConf(values));
  let main = renderTemplate(
    fs.readFileSync(path.join(NGINX_TEMPLATE_DIR, 'native.conf.template'), 'utf8'),
    { NGINX_PREFIX: prefix, NGINX_MIME_TYPES: mimeTypes },
  );
  // As root, nginx's workers drop to this user (who must be able to read the console's files).
  if (options.user) main = `user ${options.user};\n${main}`;
  const mainFile = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(mainFile, main);
  return mainFile;
}
