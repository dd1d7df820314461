import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { InventoryRpc, type Actor, type RpcRequestInput } from '@boucle/contracts';
import { IdentitySigner, RpcClient } from '@boucle/messaging';
import {
  connectTestNats,
  eventually,
  freePort,
  testIdentityKeys,
  testServiceEnvironment,
  type TestServiceEnvironment,
} from '@boucle/testing';
import { inventoryMigrations } from '../src/database/migrations.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const coordinator: Actor = { userId: 'coord-1', role: 'coordinator', organisationId: null };
/** How many kills at most before the window between a shared commit and its replies is hit. */
const KILLS = 6;
/** How many freezes of one process at most while looking for that window. */
const SAMPLES = 150;

type Intake = RpcRequestInput<typeof InventoryRpc.recordIntake>;

interface Sent {
  commandId: string;
  serial: string;
  request: Intake;
  answer?: { intakeId: string; goodIds: string[] };
}

/*
 * The process killed (SIGKILL) while commands committed together are being answered: every
 * command whose reply never came is either wholly committed, once (its good, its intake, its
 * event and its recorded answer), or not at all; sent again with its id, it acts once and
 * answers what was committed. The process is frozen until a freeze finds a command committed
 * but unanswered, then killed there; the test requires to have seen that window, in a process
 * whose commands shared their commits.
 */
describe('inventory with group commit, killed mid-answer', () => {
  let test: TestServiceEnvironment;
  let nc: NatsConnection;
  let rpc: RpcClient;
  let child: ChildProcess | undefined;
  let port = 0;
  let db: pg.Client;

  const start = async () => {
    port = await freePort();
    child = spawn(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', 'services/inventory/src/main.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, ...test.env, HTTP_PORT: String(port), GROUP_COMMIT_LANES: '2' },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const running = child;
    await eventually(
      async () => {
        if (running.exitCode !== null) throw new Error(`inventory exited with ${running.exitCode}`);
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
        expect(ready?.status).toBe(200);
      },
      { timeoutMs: 120_000 },
    );
  };

  /** Commands answered by shared commits so far, and those commits, from the child's metrics. */
  const shared = async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const value = (name: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${name}{`))
          ?.split(' ')
          .at(-1) ?? 0,
      );
    return {
      commands: value('boucle_group_commit_commands_sum'),
      commits: value('boucle_group_commit_commands_count'),
    };
  };

  const kill = async () => {
    const running = child!;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  /**
   * Freezes the process (SIGSTOP) in full flow, again and again, until a freeze finds a
   * command committed whose reply has not come: the kill then lands in the window this test
   * is about, rather than where a single kill happens to fall. A freeze that finds none lets
   * the process go on (SIGCONT). Past SAMPLES freezes the process is killed anyway.
   */
  const killInWindow = async (sent: Sent[], onShared: () => void) => {
    const running = child!;
    let sharing = false;
    for (let sample = 0; sample < SAMPLES; sample++) {
      // Commands did share commits in this process: otherwise the kill shows nothing of them.
      const counted = await shared();
      if (counted.commands > counted.commits) {
        sharing = true;
        onShared();
      }
      running.kill('SIGSTOP');
      // Replies already on their way reach their clients before the database is read.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const unanswered = sent.filter((s) => !s.answer).map((s) => s.serial);
      const { rows } = await db.query<{ n: string }>(
        'SELECT count(*) AS n FROM good WHERE serial_number = ANY($1)',
        [unanswered],
      );
      // The window counts once this process's commands are known to share their commits.
      if (sharing && rows[0]!.n !== '0') break;
      running.kill('SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 25));
    }
    await kill();
  };

  beforeAll(async () => {
    test = await testServiceEnvironment('inventory', inventoryMigrations);
    db = new pg.Client({ connectionString: test.db.url });
    await db.connect();
    nc = await connectTestNats();
    rpc = new RpcClient(
      nc,
      test.prefix,
      30_000,
      new IdentitySigner(testIdentityKeys().privateKeyPem),
    );
  });

  afterAll(async () => {
    if (child) await kill();
    await nc?.close();
    await db?.end();
    await test?.cleanup();
  });

  /** What the database keeps of one command, read straight from it. */
  const kept = async (sent: Sent) => {
    const { rows } = await db.query<{
      goods: string;
      intakes: string;
      events: string;
      answer: { intakeId: string; goodIds: string[] } | null;
      claimed: string;
    }>(
      `SELECT
         (SELECT count(*) FROM good WHERE serial_number = $1) AS goods,
         (SELECT count(*) FROM intake i JOIN good g ON g.intake_id = i.id
           WHERE g.serial_number = $1) AS intakes,
         (SELECT count(*) FROM messaging_outbox o JOIN good g ON o.aggregate_id = g.intake_id::text
           WHERE g.serial_number = $1 AND o.subject LIKE '%intake.recorded%') AS events,
         (SELECT response FROM messaging_command_log WHERE command_id = $2) AS answer,
         (SELECT count(*) FROM messaging_command_log WHERE command_id = $2) AS claimed`,
      [sent.serial, sent.commandId],
    );
    return rows[0]!;
  };

  it('should leave every unanswered command wholly committed once or not at all, and act once when it is sent again', async () => {
    await start();
    const { organisationId } = await rpc.request(InventoryRpc.registerOrganisation, {
      actor: coordinator,
      name: 'Ressourcerie du Pont',
      kind: 'reuse-village',
    });
    const operator: Actor = { userId: 'op-1', role: 'operator', organisationId };
    const site = await rpc.request(InventoryRpc.registerSite, {
      actor: operator,
      organisationId,
      name: 'Village du réemploi',
      kind: 'reuse-village',
      locality: 'Amiens',
      locations: ['quai'],
    });

    const sent: Sent[] = [];
    let committedUnanswered = 0;
    let sharedCommits = false;
    for (let round = 0; round < KILLS && committedUnanswered === 0; round++) {
      if (round > 0) await start();
      let answered = 0;
      let firing = true;
      const clients = Array.from({ length: 16 }, async () => {
        while (firing) {
          const serial = `CRASH-${round}-${sent.length}`;
          const one: Sent = {
            commandId: randomUUID(),
            serial,
            request: {
              actor: operator,
              siteId: site.siteId,
              locationId: site.locations[0]!.id,
              grossWeightKg: 24,
              tareKg: 2,
              provenance: { locality: 'Amiens' },
              collectionMode: 'drop-off',
              goods: [
                {
                  kind: 'item',
                  serialNumber: serial,
                  make: 'Invacare',
                  model: 'Action 3',
                  weightKg: 22,
                },
              ],
            },
          };
          sent.push(one);
          try {
            one.answer = await rpc.request(InventoryRpc.recordIntake, one.request, {
              commandId: one.commandId,
              timeoutMs: 3_000,
            });
            answered++;
          } catch {
            // No answer: the process is gone. What it kept is checked below.
            return;
          }
        }
      });
      // In full flow, a little later each round.
      await eventually(() => expect(answered).toBeGreaterThan(40 + round * 37), {
        timeoutMs: 60_000,
        intervalMs: 5,
      });
      await killInWindow(sent, () => {
        sharedCommits = true;
      });
      firing = false;
      await Promise.all(clients);

      for (const one of sent.filter((s) => !s.answer)) {
        const row = await kept(one);
        if (row.goods !== '0') committedUnanswered++;
      }
    }
    const unanswered = sent.filter((s) => !s.answer);
    // Every command: wholly there once, with its recorded answer, or not there at all.
    for (const one of sent) {
      const row = await kept(one);
      const whole = { goods: '1', intakes: '1', events: '1', claimed: '1' };
      const none = { goods: '0', intakes: '0', events: '0', claimed: '0', answer: null };
      if (one.answer)
        expect({ ...row, serial: one.serial }).toMatchObject({
          ...whole,
          answer: one.answer,
          serial: one.serial,
        });
      else if (row.goods === '0')
        expect({ ...row, serial: one.serial }).toEqual({ ...none, serial: one.serial });
      else expect({ ...row, serial: one.serial }).toMatchObject({ ...whole, serial: one.serial });
    }

    // The window this test is about was hit: a command committed whose reply never left,
    // in a process whose commands shared their commits.
    expect(committedUnanswered).toBeGreaterThan(0);
    expect(sharedCommits).toBe(true);

    // Sent again with their ids: each acts once, and those committed answer what was kept.
    await start();
    for (const one of unanswered) {
      const before = await kept(one);
      const answer = await rpc.request(InventoryRpc.recordIntake, one.request, {
        commandId: one.commandId,
      });
      const after = await kept(one);
      expect(after).toMatchObject({ goods: '1', intakes: '1', events: '1', answer });
      if (before.answer) expect(answer).toEqual(before.answer);
    }
  }, 600_000);
});
