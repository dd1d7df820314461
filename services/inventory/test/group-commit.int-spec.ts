import { InventoryRpc } from '@boucle/contracts';
import { RpcError } from '@boucle/messaging';
import {
  intakeWheelchairs,
  refurbish,
  registerWheelchairModel,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

/*
 * Commands committed together (GROUP_COMMIT_LANES): concurrent commands share one
 * transaction, each in a savepoint of its own. A command refused in it rolls back alone,
 * the others commit, and every caller gets its own answer; what a refused command began
 * (its claim on the command id) is not kept.
 */
describe('inventory with group commit', () => {
  let h: InventoryHarness;
  let fixture: Fixture;

  beforeAll(async () => {
    h = await startInventory({ GROUP_COMMIT_LANES: '2' });
    fixture = await h.member();
    await registerWheelchairModel(h);
  });

  afterAll(async () => {
    await h?.close();
  });

  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${await h.app.getUrl()}/metrics`)).text();
    // `name{service="inventory"} value`: the registry labels every series with its service.
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  it('should let exactly one of 100 concurrent holds on the last unit win, each caller answered its own outcome, the refused rolled back alone in shared commits', async () => {
    const serials = Array.from({ length: 20 }, (_, i) => `GROUP-${i}`);
    const goodIds = await intakeWheelchairs(h, fixture, serials);
    for (const goodId of goodIds) await refurbish(h, fixture, goodId);
    const refusedBefore = await metric('boucle_group_commit_refused_total');

    for (const goodId of goodIds) {
      const answers = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) =>
          h.rpc.request(InventoryRpc.placeHold, {
            actor: h.coordinator,
            goodId,
            quantity: '1',
            holderId: `ben-${i}`,
            ttlSeconds: 3_600,
          }),
        ),
      );
      const won = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      const lost = answers.flatMap((a) => (a.status === 'rejected' ? [a.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost.every((e) => e instanceof RpcError && e.code === 'insufficient-quantity')).toBe(
        true,
      );
      // The winner's answer is the hold that was kept.
      const holds = await h.orm.em
        .fork()
        .execute<{ id: string; holder_id: string }[]>(
          `SELECT id, holder_id FROM hold WHERE good_id = ? AND status = 'active'`,
          [goodId],
        );
      expect(holds).toEqual([{ id: won[0]!.holdId, holder_id: expect.any(String) }]);
    }

    const em = h.orm.em.fork();
    // A refused command's claim on its id went with its savepoint: none is left unanswered.
    const [claims] = await em.execute<{ unanswered: string; holds: string }[]>(
      `SELECT count(*) FILTER (WHERE response IS NULL) AS unanswered,
              count(*) FILTER (WHERE subject = ?) AS holds
         FROM messaging_command_log`,
      [InventoryRpc.placeHold.subject],
    );
    expect(claims).toEqual({ unanswered: '0', holds: String(goodIds.length) });
    const [stock] = await em.execute<{ held: string; available: string }[]>(
      `SELECT coalesce(sum(quantity) FILTER (WHERE state = 'held'), 0)::int::text AS held,
              coalesce(sum(quantity) FILTER (WHERE state = 'available'), 0)::int::text AS available
         FROM stock_balance WHERE good_id IN (?)`,
      [goodIds],
    );
    expect(stock).toEqual({ held: String(goodIds.length), available: '0' });
    // The commands did share transactions, refusals among them: otherwise this shows nothing.
    expect(await metric('boucle_group_commit_commands_count')).toBeLessThan(
      await metric('boucle_group_commit_commands_sum'),
    );
    expect(await metric('boucle_group_commit_refused_total')).toBeGreaterThan(refusedBefore);
  }, 600_000);
});
