import { createHash } from 'node:crypto';
import type { RpcDefinition, RpcRequestInput, RpcResponse } from '@boucle/contracts';
import type { HttpAnswer, HttpClient, SignIn, TokenSource } from './client.js';
import type { EventTap, ExpectedEvent, SeenEvent } from './events.js';

/** A person of the demonstration: who signs in, and how the printed steps name them. */
export interface Person extends SignIn {
  label: string;
}

/** A request body as a person sends it: the contract's request without its actor. */
export type Body<D extends RpcDefinition> = WithoutActor<RpcRequestInput<D>>;
// Distributes over a union (a transformation is one of three shapes), which Omit alone does not.
type WithoutActor<T> = T extends unknown ? Omit<T, 'actor'> : never;

export interface CommandStep<D extends RpcDefinition> {
  who: Person;
  /** What the person does, in French: "pèse et réceptionne un fauteuil roulant". */
  what: string;
  /** `/v1/goods/:goodId/moves`: each `:name` is the body's field of that name, sent in the path only. */
  path: string;
  body: Body<D>;
  /** The answer expected; 201 unless said. Several when either is right (a reservation: 201 or 202). */
  status?: number | readonly number[];
  /** The events the step must cause, by type without version (`inventory.stock.moved`). */
  events?: ExpectedEvent[];
  /** The ids whose events are this step's: by default every id in the body and the answer. */
  about?: (answer: RpcResponse<D>) => string[];
  /** A short account of the answer, printed after its status. */
  outcome?: (answer: RpcResponse<D>) => string;
  /** The Idempotency-Key; one per run and step unless given (setup gives one per body). */
  idempotencyKey?: string;
}

export interface QueryStep<D extends RpcDefinition> {
  who: Person;
  what: string;
  /** With `:name` placeholders filled from `params`. */
  path: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  outcome?: (answer: RpcResponse<D>) => string;
}

export interface StepRecord {
  index: number;
  who: Person;
  what: string;
  method: 'GET' | 'POST';
  url: string;
  status: number;
  ms: number;
  outcome?: string;
  events: SeenEvent[];
}

/** What a demonstration prints; tests give one that keeps quiet. */
export interface Reporter {
  section(title: string): void;
  step(step: StepRecord): void;
  line(text: string): void;
}

/** A step that did not go as the scenario says: its answer (a problem) or the events that never came. */
export class DemoStepError extends Error {
  constructor(
    message: string,
    readonly step: Omit<StepRecord, 'events'> & { events?: SeenEvent[] },
    readonly answer?: HttpAnswer,
  ) {
    super(message);
    this.name = 'DemoStepError';
  }
}

export interface DemoSessionOptions {
  http: HttpClient;
  tokens: TokenSource;
  /** Without it the steps are played and checked over HTTP only. */
  events?: EventTap;
  reporter: Reporter;
  /** Makes serial numbers, references and idempotency keys of this run its own. */
  runId: string;
  /** How long a step's events may take to be published. */
  eventTimeoutMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Plays steps over the gateway's HTTP API as the people of the cluster: each step is one
 * request with the person's bearer token, checked against the status it must answer, then
 * its events are waited for and told with it. A step that answers otherwise stops the play.
 */
export class DemoSession {
  readonly runId: string;
  readonly steps: StepRecord[] = [];
  readonly reporter: Reporter;
  readonly events: EventTap | undefined;
  private readonly http: HttpClient;
  private readonly tokens: TokenSource;
  private readonly eventTimeoutMs: number;

  constructor(options: DemoSessionOptions) {
    this.http = options.http;
    this.tokens = options.tokens;
    this.events = options.events;
    this.reporter = options.reporter;
    this.runId = options.runId;
    this.eventTimeoutMs = options.eventTimeoutMs ?? 10_000;
  }

  section(title: string): void {
    this.reporter.section(title);
  }

  async command<D extends RpcDefinition>(
    _definition: D,
    spec: CommandStep<D>,
  ): Promise<RpcResponse<D>> {
    const { url, json } = fillPath(spec.path, spec.body);
    const key = spec.idempotencyKey ?? `demo-${this.runId}-${this.steps.length + 1}`;
    const started = performance.now();
    const answer = await this.http.call('POST', url, await this.tokens(spec.who), json, {
      'idempotency-key': key,
    });
    const record = this.record(spec, 'POST', url, answer, started);
    const expected = [spec.status ?? 201].flat();
    if (!expected.includes(answer.status)) {
      throw new DemoStepError(
        `POST ${url} answered ${answer.status}, not ${expected.join(' or ')}${detailOf(answer)}`,
        record,
        answer,
      );
    }
    const result = answer.body as RpcResponse<D>;
    if (spec.outcome) record.outcome = spec.outcome(result);
    if (this.events) {
      const ids = spec.about ? spec.about(result) : [...idsIn(json), ...idsIn(answer.body)];
      const wait = await this.events.waitFor(
        [...idsIn(url), ...ids],
        spec.events ?? [],
        this.eventTimeoutMs,
      );
      record.events = wait.events;
      if (wait.missing.length > 0) {
        this.steps.push(record);
        this.reporter.step(record);
        const missing = wait.missing.map((m) => `${m.missing} × ${m.type}`).join(', ');
        throw new DemoStepError(
          `events not published within ${this.eventTimeoutMs} ms: ${missing}`,
          record,
        );
      }
    }
    this.steps.push(record);
    this.reporter.step(record);
    return result;
  }

  async query<D extends RpcDefinition>(
    _definition: D,
    spec: QueryStep<D>,
  ): Promise<RpcResponse<D>> {
    const { url } = fillPath(spec.path, spec.params ?? {});
    const search = spec.query ? `?${new URLSearchParams(spec.query).toString()}` : '';
    const started = performance.now();
    const answer = await this.http.call('GET', `${url}${search}`, await this.tokens(spec.who));
    const record = this.record(spec, 'GET', `${url}${search}`, answer, started);
    if (answer.status !== 200) {
      throw new DemoStepError(
        `GET ${url} answered ${answer.status}, not 200${detailOf(answer)}`,
        record,
        answer,
      );
    }
    const result = answer.body as RpcResponse<D>;
    if (spec.outcome) record.outcome = spec.outcome(result);
    this.steps.push(record);
    this.reporter.step(record);
    return result;
  }

  /**
   * A query asked again until its answer says the work it waits for is done (a day's plan,
   * made in the background), then told once, as one step, with the events about what the
   * answer names. Stops the play when it is not done in time.
   */
  async until<D extends RpcDefinition>(
    _definition: D,
    spec: QueryStep<D> & {
      done: (answer: RpcResponse<D>) => boolean;
      timeoutMs?: number;
      about?: (answer: RpcResponse<D>) => string[];
      events?: (answer: RpcResponse<D>) => ExpectedEvent[];
    },
  ): Promise<RpcResponse<D>> {
    const { url } = fillPath(spec.path, spec.params ?? {});
    const search = spec.query ? `?${new URLSearchParams(spec.query).toString()}` : '';
    const started = performance.now();
    const deadline = Date.now() + (spec.timeoutMs ?? 60_000);
    for (;;) {
      const answer = await this.http.call('GET', `${url}${search}`, await this.tokens(spec.who));
      const record = this.record(spec, 'GET', `${url}${search}`, answer, started);
      if (answer.status !== 200)
        throw new DemoStepError(
          `GET ${url} answered ${answer.status}, not 200${detailOf(answer)}`,
          record,
          answer,
        );
      const result = answer.body as RpcResponse<D>;
      if (spec.done(result)) {
        if (spec.outcome) record.outcome = spec.outcome(result);
        if (this.events && spec.about) {
          const wait = await this.events.waitFor(
            spec.about(result),
            spec.events?.(result) ?? [],
            this.eventTimeoutMs,
          );
          record.events = wait.events;
        }
        this.steps.push(record);
        this.reporter.step(record);
        return result;
      }
      if (Date.now() > deadline)
        throw new DemoStepError(
          `GET ${url}: still not done after ${spec.timeoutMs ?? 60_000} ms`,
          record,
          answer,
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** A GET that only steers the play (which day is free): no step, nothing printed. */
  async read(who: Person, url: string): Promise<HttpAnswer> {
    return this.http.call('GET', url, await this.tokens(who));
  }

  private record(
    spec: { who: Person; what: string },
    method: 'GET' | 'POST',
    url: string,
    answer: HttpAnswer,
    started: number,
  ): StepRecord {
    return {
      index: this.steps.length + 1,
      who: spec.who,
      what: spec.what,
      method,
      url,
      status: answer.status,
      ms: Math.round(performance.now() - started),
      events: [],
    };
  }
}

/** The same body gets the same key: setup played again replays instead of registering twice. */
export function keyOfBody(scope: string, body: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 24);
  return `demo-${scope}-${digest}`;
}

/** A problem's detail, for the error's message (the whole problem is printed apart). */
function detailOf(answer: HttpAnswer): string {
  const detail = answer.body['detail'];
  return typeof detail === 'string' ? `: ${detail}` : '';
}

function fillPath(
  template: string,
  values: Record<string, unknown>,
): { url: string; json: Record<string, unknown> } {
  const json = { ...values };
  const url = template.replace(/:(\w+)/g, (_match, name: string) => {
    const value = json[name];
    if (typeof value !== 'string') throw new Error(`${template}: no ${name} to put in the path`);
    delete json[name];
    return encodeURIComponent(value);
  });
  return { url, json };
}

/** Every id (UUID) in a value, however deep, or in a path. */
function idsIn(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[/?&=]/).filter((part) => UUID.test(part));
  if (Array.isArray(value)) return value.flatMap(idsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(idsIn);
  return [];
}
