import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { InventoryRpc, type RpcRequestInput } from '@boucle/contracts';
import { RpcServer } from '@boucle/messaging';
import { eventually } from '@boucle/testing';
import {
  availableWheelchair,
  registerWheelchairModel,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

/*
 * A caller whose answer never came (a timeout, a dropped connection) sends the same
 * command again with its command id. Before command ids, a second intake of the same
 * wheelchairs was recorded, or refused as a duplicate serial although the first had
 * succeeded: neither is what the operator at the counter did.
 */
describe(RpcServer.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const logs = new PassThrough();
    let partial = '';
    logs.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete)
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    h = await startInventory({ LOG_LEVEL: 'info' }, [], { logDestination: logs });
    fixture = await h.member();
  });

  afterAll(async () => {
    await h?.close();
  });

  const intake = (serial: string): RpcRequestInput<typeof InventoryRpc.recordIntake> => ({
    actor: fixture.operator,
    siteId: fixture.siteId,
    locationId: fixture.locationId,
    grossWeightKg: 25,
    tareKg: 5,
    provenance: { locality: 'Amiens' },
    collectionMode: 'drop-off',
    goods: [
      { kind: 'item', serialNumber: serial, make: 'Invacare', model: 'Action 3', weightKg: 20 },
    ],
  });

  async function intakesOf(serial: string): Promise<number> {
    const [row] = await h.orm.em
      .fork()
      .execute<{ n: string }[]>('SELECT count(*) AS n FROM good WHERE serial_number = ?', [serial]);
    return Number(row!.n);
  }

  async function recordedEvents(subject: string, intakeId: string) {
    return h.orm.em.fork().execute<{ correlation_id: string }[]>(
      `SELECT payload->>'correlationId' AS correlation_id FROM messaging_outbox
          WHERE subject = ? AND payload->'data'->>'intakeId' = ?`,
      [subject, intakeId],
    );
  }

  describe('command ids', () => {
    it('should act once and return the first answer when a command is retried after a client timeout', async () => {
      const commandId = randomUUID();
      // Another session keeps the intake table locked: every attempt waits inside its
      // transaction, longer than the caller waits for an answer.
      // The command is sent only once the lock is held: sent earlier, on a busy machine it can
      // write its intake before the lock is taken, and then nothing ever waits.
      let lockHeld!: () => void;
      const locked = new Promise<void>((resolve) => (lockHeld = resolve));
      const blocker = h.orm.em.fork();
      const released = blocker.transactional(async (em) => {
        await em.execute('LOCK TABLE intake IN EXCLUSIVE MODE');
        lockHeld();
        await eventually(async () => {
          const [row] = await h.orm.em.fork().execute<{ n: string }[]>(
            `SELECT count(*) AS n FROM pg_stat_activity
                WHERE wait_event_type = 'Lock'
                  AND (query ILIKE '%insert into intake %' OR query ILIKE 'insert into messaging_command_log%')`,
          );
          // Two attempts waiting: the first one on the table, a retry sent after its timeout on
          // the first one's claim of the command id.
          expect(Number(row!.n)).toBeGreaterThanOrEqual(2);
        });
      });

      await Promise.race([locked, released]);
      const answer = h.rpc.request(InventoryRpc.recordIntake, intake('RETRY-1'), {
        commandId,
        timeoutMs: 1_000,
        retries: 10,
      });
      await released;
      const first = await answer;

      expect(await intakesOf('RETRY-1')).toBe(1);
      const [good] = await h.orm.em
        .fork()
        .execute<{ id: string }[]>("SELECT id FROM good WHERE serial_number = 'RETRY-1'");
      expect(first.goodIds).toEqual([good!.id]);
      expect(await recordedEvents('inventory.intake.recorded.v1', first.intakeId)).toHaveLength(1);

      const later = await h.rpc.request(InventoryRpc.recordIntake, intake('RETRY-1'), {
        commandId,
      });
      expect(later).toEqual(first);
      expect(await intakesOf('RETRY-1')).toBe(1);
    });

    it('should judge a refused command afresh when it is sent again', async () => {
      const commandId = randomUUID();
      const refused = await h.rpc
        .request(
          InventoryRpc.recordIntake,
          { ...intake('RETRY-2'), locationId: randomUUID() },
          { commandId },
        )
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'not-found' });

      const accepted = await h.rpc
        .request(InventoryRpc.recordIntake, intake('RETRY-2'), { commandId })
        .catch((error: unknown) => error);
      expect(accepted).toMatchObject({ goodIds: [expect.any(String)] });
    });
  });

  describe('work started by a command and run later', () => {
    it("should carry the command's correlation, not its cause, into the hold's expiry", async () => {
      await registerWheelchairModel(h);
      const goodId = await availableWheelchair(h, fixture, 'LATER-1');
      const correlationId = randomUUID();
      const commandId = randomUUID();

      const { holdId } = await h.rpc.request(
        InventoryRpc.placeHold,
        { actor: fixture.operator, goodId, quantity: '1', holderId: 'ben-later', ttlSeconds: 1 },
        { correlationId, commandId },
      );

      await eventually(
        async () => {
          const [released] = await h.orm.em
            .fork()
            .execute<{ correlation_id: string; causation_id: string | null; reason: string }[]>(
              `SELECT payload->>'correlationId' AS correlation_id, payload->>'causationId' AS causation_id,
                  payload->'data'->>'reason' AS reason
             FROM messaging_outbox WHERE subject = 'inventory.hold.released.v1'
              AND payload->'data'->>'holdId' = ?`,
              [holdId],
            );
          expect(released).toEqual({
            correlation_id: correlationId,
            causation_id: null,
            reason: 'expired',
          });
        },
        { timeoutMs: 15_000 },
      );
    });
  });

  describe('logs', () => {
    it('should log a handled command as JSON with the correlation id of the event it recorded', async () => {
      const correlationId = randomUUID();

      const { intakeId } = await h.rpc.request(InventoryRpc.recordIntake, intake('LOG-1'), {
        correlationId,
      });

      const [event] = await recordedEvents('inventory.intake.recorded.v1', intakeId);
      expect(event!.correlation_id).toBe(correlationId);
      await eventually(() => {
        const line = lines.find(
          (l) =>
            typeof l['msg'] === 'string' &&
            l['msg'].startsWith(`${InventoryRpc.recordIntake.subject} answered ok`) &&
            l['correlationId'] === correlationId,
        );
        expect(line).toMatchObject({ service: 'inventory', correlationId, level: 30 });
      });
    });
  });
});
