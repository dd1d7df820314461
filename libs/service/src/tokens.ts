/** The application's prom-client registry (served on `/metrics`); features register their own metrics on it. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** A plain Redis connection for health checks and start-up checks; BullMQ keeps its own. */
export const REDIS = Symbol('REDIS');

/** The options the service was started with. */
export const SERVICE_OPTIONS = Symbol('SERVICE_OPTIONS');
