/** Served at the root, outside the API prefix, to the deployment's Prometheus only. */
export const METRICS_PATH = '/metrics';
