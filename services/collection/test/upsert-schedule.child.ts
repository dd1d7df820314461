/*
 * One process of the concurrent-upsert test: it connects to the test's queue, says
 * "ready", waits for "go" on standard input (so that the processes upsert at the same
 * moment), applies the schedule it was given with the service's own code, says "done".
 */
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { POINTS_QUEUE, type OpenScheduledPayload } from '../src/points/points.jobs.js';
import { applySchedule, type Schedule } from '../src/points/points.scheduling.js';

const connection = new Redis(process.env['REDIS_URL']!, { maxRetriesPerRequest: null });
const queue = new Queue<OpenScheduledPayload>(POINTS_QUEUE, {
  connection,
  prefix: process.env['QUEUE_PREFIX']!,
});
await queue.waitUntilReady();
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  await applySchedule(
    queue,
    {
      id: process.env['POINT_ID']!,
      schedule: JSON.parse(process.env['SCHEDULE']!) as Schedule,
      revision: 1,
    },
    process.env['AT']!,
  );
  process.stdout.write('done\n');
  break;
}
lines.close();
await queue.close();
// A connection given to BullMQ is the caller's to close.
await connection.quit();
