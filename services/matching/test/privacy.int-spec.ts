import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { MatchingRpc } from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { ResealService } from '../src/needs/reseal.service.js';
import { sealingContext } from '../src/needs/sealing.js';
import { PersonalDataCipher } from '../src/privacy/personal-data.cipher.js';
import { aidNeedFor, PLACES, startMatching, type MatchingHarness } from './harness.js';

/*
 * Personal data stays in matching, sealed. A canary person's values are registered, then
 * looked for everywhere they must never be: every message of every stream, every log line
 * the service wrote, every column of every table of its database, bytes included.
 */

const CANARY = {
  name: 'Zéphyrine Canari-4711',
  phone: '+33 6 47 11 47 11',
  email: 'canari.4711@example.org',
  address: '47 impasse du Canari, 80000 Amiens',
  notes: 'insuffisance cardiaque canari',
  prescriptionRef: 'ORD-CANARI-4711',
};

const oldKey = { id: 'k-2025', key: randomBytes(32) };
const newKey = { id: 'k-2026', key: randomBytes(32) };
const keys = (...k: { id: string; key: Buffer }[]) =>
  k.map(({ id, key }) => `${id}:${key.toString('base64')}`).join(',');

describe('personal data', () => {
  let h: MatchingHarness;
  const logs: string[] = [];

  beforeAll(async () => {
    h = await startMatching(
      { LOG_LEVEL: 'debug', PERSONAL_DATA_KEYS: keys(newKey, oldKey) },
      {
        logDestination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            logs.push(chunk.toString('utf8'));
            done();
          },
        }),
      },
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  const social = () => h.member().operator;

  function canaryNeed() {
    const need = aidNeedFor(CANARY.name);
    return {
      ...need,
      beneficiary: {
        name: CANARY.name,
        contact: { phone: CANARY.phone, email: CANARY.email },
        address: CANARY.address,
      },
      health: { notes: CANARY.notes, prescriptionRef: CANARY.prescriptionRef },
    };
  }

  /** Every value of every row of every table, bytes read as text both ways. */
  async function everyStoredText(): Promise<string[]> {
    const em = h.orm.em.fork();
    const tables = await em.execute<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const texts: string[] = [];
    const walk = (value: unknown): void => {
      if (Buffer.isBuffer(value)) texts.push(value.toString('utf8'), value.toString('latin1'));
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
      else if (typeof value === 'string') texts.push(value);
      else if (typeof value === 'number' || typeof value === 'boolean') texts.push(`${value}`);
    };
    for (const { table_name } of tables) walk(await em.execute(`SELECT * FROM "${table_name}"`));
    return texts;
  }

  it('should never let a person’s values out of its sealed columns', async () => {
    const actor = social();
    const { needId } = await h.rpc.request(MatchingRpc.registerNeed, { actor, ...canaryNeed() });
    const view = await h.rpc.request(MatchingRpc.getNeed, { actor, needId });
    await h.rpc.request(MatchingRpc.listNeeds, { actor });
    expect(view.beneficiary?.name).toBe(CANARY.name);
    // The person's need put in line for an aid, then a reservation of it asked of inventory.
    const goodId = await h.inventory.aid(await h.inventory.site(PLACES.amiens));
    await eventually(async () =>
      expect(
        (await h.rpc.request(MatchingRpc.listProposals, { actor: h.coordinator, goodId }))
          .proposals,
      ).toHaveLength(1),
    );
    await h.rpc.request(MatchingRpc.requestReservation, { actor, goodId, needId });
    // Published: the relay has sent the need's event and the reservation's.
    await eventually(async () => {
      expect(await h.events('matching.need.registered.v1')).toHaveLength(1);
      expect(await h.events('matching.reservation.requested.v1')).toHaveLength(1);
    });

    const messages = (await h.allMessages()).join('\n');
    const stored = (await everyStoredText()).join('\n');
    const logged = logs.join('\n');

    expect(logged.length).toBeGreaterThan(0);
    for (const value of Object.values(CANARY)) {
      expect({ value, inMessages: messages.includes(value) }).toEqual({ value, inMessages: false });
      expect({ value, inDatabase: stored.includes(value) }).toEqual({ value, inDatabase: false });
      expect({ value, inLogs: logged.includes(value) }).toEqual({ value, inLogs: false });
    }
  });

  it('should seal again under the current key what an older key sealed, and still open it', async () => {
    const actor = social();
    const { needId, beneficiaryRef } = await h.rpc.request(MatchingRpc.registerNeed, {
      actor,
      ...canaryNeed(),
    });
    // As written before the rotation: sealed under the old key.
    const before = new PersonalDataCipher([oldKey]);
    const current = new PersonalDataCipher([newKey]);
    const em = h.orm.em.fork();
    for (const [table, column, id] of [
      ['beneficiary', 'ref', beneficiaryRef!],
      ['need', 'id', needId],
    ] as const) {
      const [row] = await em.execute<{ sealed: Buffer }[]>(
        `SELECT sealed FROM ${table} WHERE ${column} = ?`,
        [id],
      );
      const value = current.open(row!.sealed, newKey.id, sealingContext(table, id));
      const old = before.seal(value, sealingContext(table, id));
      await em.execute(`UPDATE ${table} SET sealed = ?, key_id = ? WHERE ${column} = ?`, [
        old.sealed,
        old.keyId,
        id,
      ]);
    }
    await expect(h.rpc.request(MatchingRpc.getNeed, { actor, needId })).resolves.toMatchObject({
      beneficiary: { name: CANARY.name },
    });

    const counts = await h.app.get(ResealService).resealAll();

    expect(counts).toEqual({ beneficiaries: 1, needs: 1 });
    const keysLeft = await em.execute<{ key_id: string }[]>(
      `SELECT key_id FROM beneficiary WHERE sealed IS NOT NULL
       UNION SELECT key_id FROM need WHERE sealed IS NOT NULL`,
    );
    expect(keysLeft).toEqual([{ key_id: newKey.id }]);
    await expect(h.rpc.request(MatchingRpc.getNeed, { actor, needId })).resolves.toMatchObject({
      beneficiary: { name: CANARY.name },
      health: { notes: CANARY.notes },
    });
    expect(await h.app.get(ResealService).resealAll()).toEqual({ beneficiaries: 0, needs: 0 });
  });
});
