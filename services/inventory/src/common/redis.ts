/** A plain Redis connection for health checks and start-up checks; BullMQ keeps its own. */
export const REDIS = Symbol('REDIS');
