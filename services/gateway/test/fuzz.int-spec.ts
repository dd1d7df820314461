import fc from 'fast-check';
import { startGatewaySystem, type GatewaySystem } from './harness.js';
import {
  operationsOf,
  preview,
  requestArbitrary,
  type FuzzRequest,
  type Operation,
} from './fuzz/requests.js';
import { ResponseChecker, type Answer } from './fuzz/responses.js';
import { buildWorld } from './fuzz/world.js';

/*
 * The gateway fuzzed from its own OpenAPI document: requests to every operation, drawn
 * from the document's schemas (mostly valid, so that they reach inventory's rules on
 * objects that exist; the rest twisted one way each), sent many at a time to the gateway
 * in front of a real inventory. Every answer must be below 500 and as the document
 * declares it: its status, its content type, its body's schema.
 *
 * FUZZ_SEED replays a run (the seed is printed), FUZZ_RUNS sets how many requests (10,000),
 * FUZZ_CONCURRENCY how many are in flight at once (12).
 */

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = Number(process.env['FUZZ_CONCURRENCY'] ?? 12);
/** Longer than any service's own timeout (10 s): an answer that takes this is no answer. */
const ANSWER_MS = 20_000;
/** Failures printed in full, and sent again alone to see whether they are reproducible. */
const SHOWN = 8;

interface Outcome {
  request: FuzzRequest;
  answer: Answer | undefined;
  faults: string[];
}

const print = (text: string) => process.stdout.write(`${text}\n`);

describe('gateway fuzzed from its OpenAPI document', () => {
  let system: GatewaySystem;
  let operations: Operation[];
  let checker: ResponseChecker;
  let requests: FuzzRequest[];

  beforeAll(async () => {
    system = await startGatewaySystem({
      // Counted as ever, never reached: rate limits are not what this test is about.
      gatewayEnv: {
        RATE_LIMIT_PERSON_PER_MINUTE: String(100 * RUNS),
        RATE_LIMIT_ADDRESS_PER_MINUTE: String(100 * RUNS),
      },
    });
    const document = (await (await fetch(`${system.url}/openapi.json`)).json()) as Parameters<
      typeof operationsOf
    >[0] &
      ConstructorParameters<typeof ResponseChecker>[0];
    operations = operationsOf(document);
    checker = new ResponseChecker(document);
    const world = await buildWorld(system);
    print(
      `fuzz: seed ${SEED}, ${RUNS} requests, ${CONCURRENCY} in flight, ${operations.length} operations, ${world.persons.length} people (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS})`,
    );
    requests = fc.sample(requestArbitrary({ operations, ...world }), { seed: SEED, numRuns: RUNS });
  }, 180_000);

  afterAll(async () => {
    await system?.close();
  }, 30_000);

  let resent = 0;
  const send = async (request: FuzzRequest, again = true): Promise<Outcome> => {
    try {
      const response = await fetch(`${system.url}${request.url}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        // No answer in this time is a fault of its own, not a stalled run.
        signal: AbortSignal.timeout(ANSWER_MS),
      });
      const contentType = response.headers.get('content-type') ?? '';
      const answer = {
        status: response.status,
        contentType,
        // A stream of events does not end: its opening is what is checked.
        text: contentType.startsWith('text/event-stream')
          ? await opening(response)
          : await response.text(),
      };
      const template = request.operation.slice(request.method.length + 1);
      return { request, answer, faults: checker.faults(request.method, template, answer) };
    } catch (error) {
      // fetch says only "fetch failed"; its cause says what the socket did.
      const cause = (error as { cause?: Error & { code?: string } }).cause;
      // A kept-alive connection the server closed as fetch reused it (under load, fetch's
      // idle timer fires late): sent once more; a request the gateway resets fails again.
      if (again && cause?.code === 'ECONNRESET') {
        resent++;
        return send(request, false);
      }
      return {
        request,
        answer: undefined,
        faults: [`no answer: ${String(error)}${cause ? ` (${cause.name}: ${cause.message})` : ''}`],
      };
    }
  };

  it(`should answer every request below 500 and as the document declares`, async () => {
    const started = performance.now();
    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) outcomes.push(await send(requests[next++]!));
      }),
    );

    print(
      `${summary(operations, outcomes)}\nfuzz: ${outcomes.length} answers in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    if (resent) print(`fuzz: ${resent} requests sent again after a reset connection`);
    const failed = outcomes.filter((o) => o.faults.length);
    // One example of each kind of fault (its status and first complaint), the first met.
    const kinds = new Map<string, Outcome[]>();
    for (const outcome of failed) {
      const kind = `${outcome.answer?.status ?? '-'} ${outcome.faults[0]!.replace(/\d{3,}/g, 'N')} [${category(outcome.request.variant)}]`;
      kinds.set(kind, [...(kinds.get(kind) ?? []), outcome]);
    }
    const shown: string[] = [];
    for (const [kind, [outcome, ...others]] of [...kinds].slice(0, SHOWN)) {
      // Sent again alone: whether the fault needs the others in flight to show.
      const again = await send(outcome!.request);
      shown.push(
        [
          `${kind} (${others.length + 1}×, on ${new Set([outcome, ...others].map((o) => o!.request.operation)).size} operations)`,
          describeRequest(outcome!.request),
          `  answered ${outcome!.answer?.status ?? '-'} ${outcome!.answer?.contentType ?? ''} ${preview(outcome!.answer?.text ?? '', 400)}`,
          ...outcome!.faults.map((fault) => `  ${fault}`),
          `  sent again alone: ${again.answer?.status ?? '-'}, ${again.faults.length ? 'faulty again' : 'as documented'}`,
        ].join('\n'),
      );
    }
    if (failed.length)
      print(
        `fuzz: ${failed.length} faulty answers of ${kinds.size} kinds (seed ${SEED})\n\n${shown.join('\n\n')}`,
      );

    expect(outcomes).toHaveLength(RUNS);
    // Every operation was called, and reached a service's rules: not only refused at the door.
    const atTheDoor = new Set([400, 401, 413, 415, 429]);
    expect(
      operations
        .filter(
          (op) =>
            !outcomes.some(
              (o) => o.request.operation === op.key && o.answer && !atTheDoor.has(o.answer.status),
            ),
        )
        .map((op) => op.key),
    ).toEqual([]);
    // Deep enough to succeed, and to meet the state machines' refusals.
    expect(outcomes.filter((o) => o.answer && o.answer.status < 300).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.answer?.status === 409).length).toBeGreaterThan(0);
    expect(shown).toEqual([]);
    // Ten thousand requests: about 20 s on a quiet machine, several minutes on a busy one.
  }, 600_000);
});

/** The first bytes of a stream, then the stream closed. */
async function opening(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const { value } = (await reader.read()) as { value?: Uint8Array };
  await reader.cancel();
  return value ? new TextDecoder().decode(value) : '';
}

/** How a request was twisted, without the particulars: `path goodId`, `raw body`, `Content-Type`. */
function category(variant: string): string {
  return variant
    .split(/[:(,;{[]/)[0]!
    .trim()
    .split(' ')
    .slice(0, 2)
    .join(' ');
}

function describeRequest(request: FuzzRequest): string {
  const headers = Object.entries(request.headers)
    .map(
      ([name, value]) =>
        `  ${name}: ${name === 'authorization' ? preview(value, 30) : preview(value)}`,
    )
    .join('\n');
  return [
    `${request.method} ${preview(request.url, 300)}   [${request.variant}; as ${request.persona}]`,
    headers,
    ...(request.body !== undefined ? [`  body: ${preview(request.body, 400)}`] : []),
  ].join('\n');
}

/** Per operation, how many answers of each status. */
function summary(operations: Operation[], outcomes: Outcome[]): string {
  const rows = operations.map((op) => {
    const counts = new Map<string, number>();
    for (const o of outcomes.filter((o) => o.request.operation === op.key)) {
      const status = String(o.answer?.status ?? 'none');
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const cells = [...counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    return `  ${op.key.padEnd(52)} ${String(total).padStart(5)}  ${cells}`;
  });
  return `fuzz: answers by operation (status×count)\n${rows.join('\n')}`;
}
