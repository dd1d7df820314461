/** The application's prom-client registry (served on `/metrics`); features register their own metrics on it. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
