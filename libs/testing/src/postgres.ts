import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { MikroORM, ormOptions, withDatabase, type NamedMigration } from '@boucle/database';
import { testEnvironment } from './config/environment.js';
import { eventually } from './eventually.js';
import { freePort } from './nats.js';

const execFileAsync = promisify(execFile);

interface OsUser {
  uid: number;
  gid: number;
}

interface Postmaster {
  child: ChildProcess;
  exited: Promise<void>;
}

/**
 * A PostgreSQL server owned by one test (its own port and data directory), for
 * stopping, killing and restarting. The shared server on 5432 is never touched.
 */
export class PrivatePostgresServer {
  private postmaster: Postmaster | undefined;
  private log = '';

  private constructor(
    readonly port: number,
    private readonly binDir: string,
    /** Holds the data directory and the Unix socket; removed by dispose. */
    private readonly baseDir: string,
    private readonly owner: OsUser | undefined,
  ) {}

  static async start(binDir = testEnvironment().postgresBinDir): Promise<PrivatePostgresServer> {
    const owner = await serverUser();
    const port = await freePort();
    const baseDir = mkdtempSync(path.join(tmpdir(), 'boucle-pg-'));
    const server = new PrivatePostgresServer(port, binDir, baseDir, owner);
    try {
      if (owner) chownSync(baseDir, owner.uid, owner.gid);
      await server.run('initdb', [
        ...['-D', server.dataDir, '-U', 'postgres', '-A', 'trust'],
        ...['-E', 'UTF8', '--locale=C', '--no-sync'],
      ]);
      await server.restart();
      return server;
    } catch (error) {
      await server.dispose();
      throw error;
    }
  }

  get dataDir(): string {
    return path.join(this.baseDir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  databaseUrl(name: string): string {
    return withDatabase(this.url, name);
  }

  /** Creates a database with the given migrations applied, and returns its URL. */
  async createDatabase(name: string, migrations: readonly NamedMigration[]): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    } finally {
      await admin.end();
    }
    const url = this.databaseUrl(name);
    const orm = await MikroORM.init(ormOptions({ url, entities: [], migrations }));
    try {
      await orm.migrator.up();
    } finally {
      await orm.close(true);
    }
    return url;
  }

  /** Starts on the same port and data directory; after a kill, it first replays its WAL. */
  async restart(): Promise<void> {
    if (this.postmaster) throw new Error('postgres is already running');
    this.log = '';
    const child = spawn(
      this.bin('postgres'),
      [
        ...['-D', this.dataDir, '-p', String(this.port), '-k', this.baseDir],
        ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_permissions=0700'],
        // A kill loses nothing committed even without fsync: the kernel still holds the writes.
        ...['-c', 'fsync=off'],
        // Segments in the data directory rather than /dev/shm, so a kill leaves nothing outside it.
        ...['-c', 'dynamic_shared_memory_type=mmap'],
      ],
      { cwd: this.baseDir, stdio: ['ignore', 'pipe', 'pipe'], ...this.owner },
    );
    const exited = new Promise<void>((resolve) => {
      const done = () => {
        if (this.postmaster?.child === child) this.postmaster = undefined;
        resolve();
      };
      child.once('exit', done);
      child.once('error', (error) => {
        this.log += `${error.message}\n`;
        done();
      });
    });
    this.postmaster = { child, exited };
    child.stdout?.on('data', (chunk: Buffer) => this.record(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.record(chunk));
    const outcome = await eventually(
      async () => {
        if (this.postmaster?.child !== child) return 'exited';
        await this.ping();
        return 'ready';
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    if (outcome === 'exited') throw new Error(`postgres stopped while starting:\n${this.log}`);
  }

  /**
   * Fast shutdown, as an administrator's `pg_ctl stop -m fast` (which sends the
   * same SIGINT): sessions are ended, a checkpoint is written, then it exits.
   */
  async stop(): Promise<void> {
    const postmaster = this.postmaster;
    if (!postmaster) return;
    postmaster.child.kill('SIGINT');
    await postmaster.exited;
  }

  /**
   * Dies at once with all its processes, as when the machine kills them: no
   * checkpoint, no goodbye to clients. The next start replays the WAL.
   */
  async kill(): Promise<void> {
    const postmaster = this.postmaster;
    const pid = postmaster?.child.pid;
    if (!postmaster || pid === undefined) return;
    // Each backend is its own process group leader, so the group of the postmaster
    // does not hold them. Stopped first, it forks nothing new while its children
    // are listed; once it is dead they are no longer its children.
    signal(pid, 'SIGSTOP');
    const children = childrenOf(pid);
    postmaster.child.kill('SIGKILL');
    for (const child of children) signal(child, 'SIGKILL');
    await postmaster.exited;
    // A new postmaster refuses to start while an old process still holds the shared memory.
    await eventually(
      () => {
        const alive = children.filter(isRunning);
        if (alive.length > 0) throw new Error(`postgres processes ${alive.join(', ')} still run`);
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
  }

  async dispose(): Promise<void> {
    await this.kill();
    await this.removeSharedMemory();
    rmSync(this.baseDir, { recursive: true, force: true });
  }

  /**
   * A killed server leaves its System V shared memory segment behind (a clean
   * exit, or the next start, removes it); the kernel would keep it until reboot.
   */
  private async removeSharedMemory(): Promise<void> {
    let lines: string[];
    try {
      lines = readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n');
    } catch {
      return;
    }
    const shmid = lines[6]?.trim().split(/\s+/)[1];
    if (!shmid || !/^\d+$/.test(shmid)) return;
    await execFileAsync('ipcrm', ['-m', shmid]).catch(() => undefined);
  }

  private async ping(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async run(program: string, args: string[]): Promise<void> {
    try {
      await execFileAsync(this.bin(program), args, { cwd: this.baseDir, ...this.owner });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`${program} failed: ${(error as Error).message}\n${stdout}${stderr}`);
    }
  }

  private bin(program: string): string {
    return path.join(this.binDir, program);
  }

  private record(chunk: Buffer): void {
    // Only the tail matters: it says why a start failed.
    this.log = (this.log + chunk.toString()).slice(-16_000);
  }
}

/** initdb and postgres refuse to run as root; they run as the postgres user then. */
async function serverUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => {
    try {
      return Number((await execFileAsync('id', [flag, 'postgres'])).stdout.trim());
    } catch (error) {
      throw new Error(`running as root, PostgreSQL needs the OS user postgres: ${String(error)}`);
    }
  };
  return { uid: await id('-u'), gid: await id('-g') };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => processState(pid)?.ppid === parent);
}

function isRunning(pid: number): boolean {
  const state = processState(pid)?.state;
  // A zombie holds no memory any more, and nothing may ever reap it in a container.
  return state !== undefined && state !== 'Z' && state !== 'X';
}

function processState(pid: number): { state: string; ppid: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name, in parentheses, may itself hold spaces and parentheses.
  const [state = '', ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid) };
}
