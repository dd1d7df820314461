/**
 * Provisioning runs at every start of every service instance. It used to send
 * `num_replicas: 1` with each update, so a start without replicas configured
 * scaled a 3-node cluster's streams down to a single copy. Replicas belong to
 * whoever runs the cluster: kept unless configured, applied when configured.
 * Replicas above 1 need a JetStream cluster, so this file starts its own.
 */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { eventually, PrivateNatsCluster, uniqueId } from '@boucle/testing';
import { ensureDeadLetterStream, ensureProducerStream, Naming } from '../src/index.js';

describe('stream replicas', () => {
  let cluster: PrivateNatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let naming: Naming;

  beforeAll(async () => {
    cluster = await PrivateNatsCluster.start();
    nc = await connect({ servers: cluster.urls, name: 'boucle-test' });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.dispose();
  });

  beforeEach(() => {
    naming = new Naming(`${uniqueId()}.`);
  });

  /**
   * A cluster answers a stream's creation before every server knows of it: the info asked
   * of another one may find none for a moment.
   */
  async function configOf(stream: string) {
    let info: Awaited<ReturnType<typeof jsm.streams.info>> | undefined;
    await eventually(async () => {
      info = await jsm.streams.info(stream);
    });
    return info!.config;
  }

  describe(ensureProducerStream.name, () => {
    const stream = () => naming.stream('inventory');

    it('should keep an existing stream at 3 replicas when none are configured', async () => {
      await ensureProducerStream(jsm, naming, 'inventory', { replicas: 3 });

      await ensureProducerStream(jsm, naming, 'inventory');

      expect((await configOf(stream())).num_replicas).toBe(3);
    });

    it('should keep settings it does not own when it updates a stream', async () => {
      await ensureProducerStream(jsm, naming, 'inventory', { replicas: 3 });
      const current = await configOf(stream());
      await jsm.streams.update(stream(), { ...current, max_bytes: 64 * 1024 * 1024 });

      await ensureProducerStream(jsm, naming, 'inventory');

      expect(await configOf(stream())).toMatchObject({
        num_replicas: 3,
        max_bytes: 64 * 1024 * 1024,
      });
    });

    it('should create a stream with 1 replica when none are configured', async () => {
      await ensureProducerStream(jsm, naming, 'inventory');

      expect((await configOf(stream())).num_replicas).toBe(1);
    });

    it('should create a stream with the configured replicas', async () => {
      await ensureProducerStream(jsm, naming, 'inventory', { replicas: 3 });

      expect((await configOf(stream())).num_replicas).toBe(3);
    });

    it('should apply configured replicas to an existing stream', async () => {
      await ensureProducerStream(jsm, naming, 'inventory');

      await ensureProducerStream(jsm, naming, 'inventory', { replicas: 3 });
      expect((await configOf(stream())).num_replicas).toBe(3);

      await ensureProducerStream(jsm, naming, 'inventory', { replicas: 1 });
      expect((await configOf(stream())).num_replicas).toBe(1);
    });
  });

  describe(ensureDeadLetterStream.name, () => {
    const stream = () => naming.deadLetterStream();

    it('should keep an existing stream at 3 replicas when none are configured', async () => {
      await ensureDeadLetterStream(jsm, naming, { replicas: 3 });

      await ensureDeadLetterStream(jsm, naming);

      expect((await configOf(stream())).num_replicas).toBe(3);
    });

    it('should create a stream with the configured replicas', async () => {
      await ensureDeadLetterStream(jsm, naming, { replicas: 3 });

      expect((await configOf(stream())).num_replicas).toBe(3);
    });

    it('should apply configured replicas to an existing stream', async () => {
      await ensureDeadLetterStream(jsm, naming);
      expect((await configOf(stream())).num_replicas).toBe(1);

      await ensureDeadLetterStream(jsm, naming, { replicas: 3 });

      expect((await configOf(stream())).num_replicas).toBe(3);
    });
  });
});
