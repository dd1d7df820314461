import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { DEAD_LETTER_HEADERS } from '@boucle/contracts';
import {
  buildEnvelope,
  DeadLetters,
  ensureDeadLetterStream,
  ensureProducerStream,
  type DeadLetterEntry,
} from '../src/index.js';
import { eventually, testEnvironment } from '@boucle/testing';
import {
  actor,
  applyEffect,
  createBackbone,
  effectCounts,
  ParcelWeighedV1,
  streamCount,
  type Backbone,
} from './harness.js';

const EFFECTS = 'test.parcel-effects';
const AUDIT = 'test.parcel-audit';
const REASON = 'handler failed 5 times: Error: site register offline';
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/dead-letters/dead-letters.cli.ts', import.meta.url));

describe(DeadLetters.name, () => {
  let backbone: Backbone;
  let sut: DeadLetters;

  beforeEach(async () => {
    backbone = await createBackbone();
    await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
    await ensureDeadLetterStream(backbone.jsm, backbone.naming);
    sut = new DeadLetters({ js: backbone.js, jsm: backbone.jsm, naming: backbone.naming });
  });

  afterEach(async () => {
    await backbone.dispose();
  });

  function validEvent(seq: number) {
    return buildEnvelope(ParcelWeighedV1, { parcelId: crypto.randomUUID(), seq, kg: 2 }, { actor });
  }

  /** A dead letter as the runner publishes it: the original bytes, the reason in headers. */
  async function deadLetter(
    consumer: string,
    body: string | object = validEvent(1),
    overrides: Partial<Record<keyof typeof DEAD_LETTER_HEADERS, string>> = {},
  ): Promise<number> {
    const subject = backbone.naming.subject(ParcelWeighedV1);
    const values = { reason: REASON, consumer, subject, deliveries: '5', ...overrides };
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(values)) {
      headers.set(DEAD_LETTER_HEADERS[key as keyof typeof DEAD_LETTER_HEADERS], value);
    }
    const ack = await backbone.js.publish(
      backbone.naming.deadLetterSubject(consumer, subject),
      typeof body === 'string' ? body : JSON.stringify(body),
      { headers },
    );
    return ack.seq;
  }

  async function stored(seq: number) {
    const msg = await backbone.jsm.streams.getMessage(backbone.naming.stream('inventory'), { seq });
    return {
      subject: msg!.subject,
      body: msg!.string(),
      history: JSON.parse(msg!.header.get(DEAD_LETTER_HEADERS.history)) as string[],
      redrives: msg!.header.get(DEAD_LETTER_HEADERS.redrives),
    };
  }

  const sequences = (entries: DeadLetterEntry[]) => entries.map((e) => e.sequence);

  describe('list', () => {
    it('should list every dead letter oldest first with its reason and history, without consuming them', async () => {
      const event = validEvent(1);
      const first = await deadLetter(EFFECTS, event, {
        history: JSON.stringify(['bad data: data.kg: too small']),
        redrives: '1',
      });
      const second = await deadLetter(AUDIT);
      const third = await deadLetter(EFFECTS, 'not json at all', { reason: 'not JSON' });

      const entries = await sut.list();

      expect(sequences(entries)).toEqual([first, second, third]);
      expect(entries[0]).toEqual({
        sequence: first,
        consumer: EFFECTS,
        subject: backbone.naming.subject(ParcelWeighedV1),
        reason: REASON,
        history: ['bad data: data.kg: too small'],
        deliveries: 5,
        redrives: 1,
        eventId: event.id,
        eventType: 'inventory.parcel.weighed',
        deadLetteredAt: expect.stringMatching(ISO_TIME),
      });
      expect(entries[2]).toMatchObject({
        eventId: null,
        eventType: null,
        history: [],
        redrives: 0,
      });
      expect(sequences(await sut.list())).toEqual([first, second, third]);
      expect(await streamCount(backbone.jsm, backbone.naming.deadLetterStream())).toBe(3);
    });

    it('should list only the given consumer’s dead letters when filtered, not those of a consumer whose name extends it', async () => {
      const mine = [await deadLetter(EFFECTS), await deadLetter(EFFECTS)];
      await deadLetter(AUDIT);
      await deadLetter(`${EFFECTS}.replay`);
      mine.push(await deadLetter(EFFECTS));

      expect(sequences(await sut.list({ consumer: EFFECTS }))).toEqual(mine);
      expect(sequences(await sut.list({ consumer: EFFECTS, limit: 2 }))).toEqual(mine.slice(0, 2));
      expect(await sut.list({ consumer: 'test.nobody' })).toEqual([]);
    });

    it('should refuse a consumer filter with wildcards', async () => {
      await expect(sut.list({ consumer: 'test.>' })).rejects.toThrow(/not a consumer name/);
    });
  });

  describe('inspect', () => {
    it('should return the entry and its body as text when the body is an event', async () => {
      const event = validEvent(7);
      const seq = await deadLetter(EFFECTS, event);

      const detail = await sut.inspect(seq);

      expect(detail).toMatchObject({ sequence: seq, consumer: EFFECTS, eventId: event.id });
      expect(JSON.parse(detail!.body)).toEqual(event);
      expect(detail!.bodyTruncated).toBe(false);
    });

    it('should return a poison body cut to the limit when it is large', async () => {
      const seq = await deadLetter(EFFECTS, 'x'.repeat(100_000), { reason: 'not JSON' });

      const detail = await sut.inspect(seq);

      expect(detail).toMatchObject({ eventId: null, reason: 'not JSON', bodyBytes: 100_000 });
      expect(detail!.bodyTruncated).toBe(true);
      expect(detail!.body).toBe('x'.repeat(16_384));
    });

    it('should return null when no dead letter has that sequence', async () => {
      expect(await sut.inspect(42)).toBeNull();
    });
  });

  describe('redrive', () => {
    it('should republish the original body to its subject with the reason added to its history, then delete the dead letter', async () => {
      const event = validEvent(1);
      const body = JSON.stringify(event);
      const seq = await deadLetter(EFFECTS, body, {
        history: JSON.stringify(['bad data: data.kg: too small']),
        redrives: '1',
      });

      const redriven = await sut.redrive(seq);

      expect(redriven).toEqual({
        sequence: seq,
        consumer: EFFECTS,
        subject: backbone.naming.subject(ParcelWeighedV1),
        eventId: event.id,
        stream: backbone.naming.stream('inventory'),
        storedSequence: 1,
        duplicate: false,
        redrives: 2,
      });
      expect(await stored(redriven!.storedSequence)).toEqual({
        subject: backbone.naming.subject(ParcelWeighedV1),
        body,
        history: ['bad data: data.kg: too small', REASON],
        redrives: '2',
      });
      expect(await sut.list()).toEqual([]);
      expect(await sut.redrive(seq)).toBeNull();
    });

    it('should keep the last 10 reasons when the history is full', async () => {
      const earlier = Array.from({ length: 10 }, (_, i) => `failure ${i}`);
      const seq = await deadLetter(EFFECTS, validEvent(1), { history: JSON.stringify(earlier) });

      const redriven = await sut.redrive(seq);

      expect((await stored(redriven!.storedSequence)).history).toEqual([
        ...earlier.slice(1),
        REASON,
      ]);
    });

    it('should store one copy when the same dead letter is re-driven twice at once', async () => {
      const seq = await deadLetter(EFFECTS);

      const results = await Promise.all([sut.redrive(seq), sut.redrive(seq)]);

      // Both read the dead letter before either deleted it, so both published a copy.
      expect(results.map((r) => r?.duplicate).sort()).toEqual([false, true]);
      expect(await streamCount(backbone.jsm, backbone.naming.stream('inventory'))).toBe(1);
      expect(await sut.list()).toEqual([]);
    });

    it('should re-drive a body that is not an event envelope as it is', async () => {
      const seq = await deadLetter(EFFECTS, '{"truncated": ', { reason: 'not JSON' });

      const redriven = await sut.redrive(seq);

      expect(redriven).toMatchObject({ eventId: null, redrives: 1 });
      expect(await stored(redriven!.storedSequence)).toMatchObject({
        body: '{"truncated": ',
        history: ['not JSON'],
      });
    });

    it('should refuse and keep the dead letter when its subject is not a producer’s', async () => {
      const seq = await deadLetter(EFFECTS, validEvent(1), {
        subject: backbone.naming.subject('rpc.inventory.intake.record'),
      });

      await expect(sut.redrive(seq)).rejects.toThrow(/no producer subject/);
      expect(sequences(await sut.list())).toEqual([seq]);
    });
  });

  describe('redriveAll', () => {
    it('should re-drive every dead letter of one consumer and leave the other consumers’ alone', async () => {
      const mine = [await deadLetter(EFFECTS), await deadLetter(EFFECTS, 'garbage')];
      const others = [await deadLetter(AUDIT), await deadLetter(`${EFFECTS}.replay`)];
      mine.push(await deadLetter(EFFECTS));

      const result = await sut.redriveAll(EFFECTS);

      expect(result.failed).toEqual([]);
      expect(result.redriven.map((r) => r.sequence)).toEqual(mine);
      expect(sequences(await sut.list())).toEqual(others);
      expect(await streamCount(backbone.jsm, backbone.naming.stream('inventory'))).toBe(3);
    });
  });

  it('should apply a dead-lettered event once after its cause is fixed and it is re-driven, and nothing twice in a consumer that had applied it', async () => {
    let broken = true;
    await backbone
      .runner({
        consumer: EFFECTS,
        batchSize: 1,
        maxDeliveries: 2,
        retryBaseMs: 20,
        retryMaxMs: 50,
        handler: async (event, em) => {
          if (broken) throw new Error('site register offline');
          await applyEffect(event, em);
        },
      })
      .start();
    const audited: string[] = [];
    const audit = backbone.runner({
      consumer: AUDIT,
      handler: async (event) => void audited.push(event.id),
    });
    await audit.start();
    const event = validEvent(1);
    await backbone.js.publish(backbone.naming.subject(ParcelWeighedV1), JSON.stringify(event), {
      msgID: event.id,
    });

    const [dead] = await eventually(async () => {
      const entries = await sut.list({ consumer: EFFECTS });
      expect(entries).toHaveLength(1);
      return entries;
    });
    expect(dead).toMatchObject({
      eventId: event.id,
      reason: expect.stringMatching(/handler failed 2 times: Error: site register offline/),
    });
    await eventually(() => expect(audited).toEqual([event.id]));

    broken = false;
    const redriven = await sut.redrive(dead!.sequence);

    await eventually(async () =>
      expect(await effectCounts(backbone.orm)).toEqual({ rows: 1, distinct: 1 }),
    );
    expect(await sut.list()).toEqual([]);
    // The audit consumer received the copy too, and its inbox kept it from applying it again.
    await eventually(async () => {
      const info = await backbone.jsm.consumers.info(
        backbone.naming.stream('inventory'),
        audit.durable,
      );
      expect(info.delivered.stream_seq).toBe(redriven!.storedSequence);
      expect(info.num_ack_pending + info.num_pending).toBe(0);
    });
    expect(audited).toEqual([event.id]);
  });

  it('should keep the earlier reason in the history when a re-driven event fails again', async () => {
    let failure = 'site register offline';
    await backbone
      .runner({
        consumer: EFFECTS,
        batchSize: 1,
        maxDeliveries: 2,
        retryBaseMs: 20,
        retryMaxMs: 50,
        handler: async () => {
          throw new Error(failure);
        },
      })
      .start();
    const event = validEvent(1);
    await backbone.js.publish(backbone.naming.subject(ParcelWeighedV1), JSON.stringify(event), {
      msgID: event.id,
    });
    const deadLettered = async () => {
      const entries = await sut.list({ consumer: EFFECTS });
      expect(entries).toHaveLength(1);
      return entries[0]!;
    };
    const first = await eventually(deadLettered);

    failure = 'weighbridge unreachable';
    await sut.redrive(first.sequence);

    const second = await eventually(async () => {
      const entry = await deadLettered();
      expect(entry.sequence).not.toBe(first.sequence);
      return entry;
    });
    expect(second).toMatchObject({
      eventId: event.id,
      reason: expect.stringMatching(/weighbridge unreachable/),
      history: [first.reason],
      redrives: 1,
    });
  });

  describe('command', () => {
    function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          ['--import', '@swc-node/register/esm-register', CLI, ...args],
          {
            cwd: REPO_ROOT,
            env: {
              ...process.env,
              NATS_URL: testEnvironment().natsUrl,
              SUBJECT_PREFIX: backbone.naming.prefix,
            },
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    }

    it('should list one consumer’s dead letters as JSON and re-drive them all', async () => {
      const mine = await deadLetter(EFFECTS);
      await deadLetter(AUDIT);

      const listed = await cli(['list', '--consumer', EFFECTS, '--json']);
      expect(listed.code).toBe(0);
      expect(sequences(JSON.parse(listed.stdout) as DeadLetterEntry[])).toEqual([mine]);

      const redriven = await cli(['redrive', '--consumer', EFFECTS, '--all']);
      expect(redriven).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/1 re-driven, 0 failed/),
      });
      expect(await sut.list({ consumer: EFFECTS })).toEqual([]);
    });

    it('should exit with code 2 and the usage when the arguments are wrong', async () => {
      const result = await cli(['redrive', '--all']);

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--all needs --consumer[\s\S]*usage:/);
    });
  });
});
