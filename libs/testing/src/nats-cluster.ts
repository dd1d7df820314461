import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { testEnvironment } from './config/environment.js';
import { eventually } from './eventually.js';
import { freePort } from './nats.js';

interface ClusterNode {
  name: string;
  clientPort: number;
  clusterPort: number;
  monitorPort: number;
  storeDir: string;
  process: ChildProcess | undefined;
}

interface MetaCluster {
  leader?: string;
  replicas?: { name: string; current: boolean }[];
}

/**
 * A JetStream cluster owned by one test (three nats-servers on their own ports
 * and store directories), for what a single node cannot show, such as streams
 * with more than one replica. The shared server is never touched.
 */
export class PrivateNatsCluster {
  private constructor(
    private readonly nodes: readonly ClusterNode[],
    private readonly binary: string,
    private readonly clusterName: string,
  ) {}

  static async start(
    size = 3,
    binary = testEnvironment().natsServerBin,
  ): Promise<PrivateNatsCluster> {
    const nodes: ClusterNode[] = [];
    for (let i = 0; i < size; i++) {
      nodes.push({
        name: `n${i}`,
        clientPort: await freePort(),
        clusterPort: await freePort(),
        monitorPort: await freePort(),
        storeDir: mkdtempSync(path.join(tmpdir(), 'boucle-nats-cluster-')),
        process: undefined,
      });
    }
    const cluster = new PrivateNatsCluster(nodes, binary, `boucle-${process.pid}-${Date.now()}`);
    try {
      for (const node of nodes) cluster.spawn(node);
      await cluster.ready();
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  /** Every node's client URL: a client given them all survives any one node. */
  get urls(): string[] {
    return this.nodes.map((node) => `nats://127.0.0.1:${node.clientPort}`);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.kill(node)));
    for (const node of this.nodes) rmSync(node.storeDir, { recursive: true, force: true });
  }

  private spawn(node: ClusterNode): void {
    const routes = this.nodes
      .filter((other) => other !== node)
      .map((other) => `nats://127.0.0.1:${other.clusterPort}`)
      .join(',');
    const child = spawn(
      this.binary,
      [
        ...['-a', '127.0.0.1', '-p', String(node.clientPort), '-m', String(node.monitorPort)],
        ...['-n', node.name, '-js', '-sd', node.storeDir],
        ...['--cluster', `nats://127.0.0.1:${node.clusterPort}`],
        ...['--cluster_name', this.clusterName, '--routes', routes],
      ],
      { stdio: 'ignore' },
    );
    node.process = child;
    child.once('exit', () => {
      if (node.process === child) node.process = undefined;
    });
  }

  /**
   * JetStream answers only once the nodes have elected a meta leader, and a
   * stream with as many replicas as nodes can be placed only once that leader
   * sees every other node as current: wait for both, then for a client's view.
   */
  private async ready(): Promise<void> {
    await eventually(
      async () => {
        for (const node of this.nodes) {
          if (!node.process) throw new Error(`nats-server ${node.name} exited`);
        }
        const metas = await Promise.all(this.nodes.map((node) => this.meta(node)));
        const leader = metas[0]?.leader;
        if (!leader || metas.some((meta) => meta.leader !== leader)) {
          throw new Error('JetStream has no meta leader yet');
        }
        const fromLeader = metas[this.nodes.findIndex((node) => node.name === leader)];
        const current = fromLeader?.replicas?.filter((peer) => peer.current).length ?? 0;
        if (current !== this.nodes.length - 1) {
          throw new Error(`the meta leader sees ${current} current peers`);
        }
        const nc = await connect({ servers: this.urls, reconnect: false, timeout: 500 });
        try {
          const reply = await nc.request('$JS.API.INFO', undefined, { timeout: 1_000 });
          const info = reply.json<{ error?: { description: string } }>();
          if (info.error) throw new Error(`JetStream: ${info.error.description}`);
        } finally {
          await nc.close();
        }
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  }

  private async meta(node: ClusterNode): Promise<MetaCluster> {
    const response = await fetch(`http://127.0.0.1:${node.monitorPort}/jsz`);
    const body = (await response.json()) as { meta_cluster?: MetaCluster };
    return body.meta_cluster ?? {};
  }

  private async kill(node: ClusterNode): Promise<void> {
    const child = node.process;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    node.process = undefined;
  }
}
