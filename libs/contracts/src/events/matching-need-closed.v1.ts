import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';
import { NEED_CLOSE_REASONS } from './matching-common.v1.js';

export const MatchingNeedClosedV1 = defineEvent({
  producer: 'matching',
  aggregate: 'need',
  event: 'closed',
  version: 1,
  aggregateId: (data) => data.needId,
  description: 'A need stopped waiting: withdrawn, fulfilled, expired, or its beneficiary erased.',
  schema: z.strictObject({
    needId: Id,
    reason: z.enum(NEED_CLOSE_REASONS),
  }),
  example: {
    needId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    reason: 'withdrawn',
  },
});
export type MatchingNeedClosedV1Data = z.output<typeof MatchingNeedClosedV1.schema>;
