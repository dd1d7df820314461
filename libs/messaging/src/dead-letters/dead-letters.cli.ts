/**
 * The operators' dead-letter command: list, show and re-drive dead letters.
 *
 *   npm run deadletters -- list [--consumer <name>] [--limit <n>] [--json]
 *   npm run deadletters -- show <sequence> [--json]
 *   npm run deadletters -- redrive <sequence> [--json]
 *   npm run deadletters -- redrive --consumer <name> --all [--json]
 *
 * Exit codes: 0 done, 1 failed (NATS, no such dead letter, a re-drive that failed),
 * 2 bad arguments or environment.
 */
import { parseArgs } from 'node:util';
import { JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ConfigError } from '@boucle/config';
import { Naming } from '../naming.js';
import {
  DeadLetters,
  type DeadLetterDetail,
  type DeadLetterEntry,
  type Redriven,
} from './dead-letters.js';
import { loadDeadLettersConfig, type DeadLettersConfig } from './dead-letters.config.js';

const USAGE = `usage:
  npm run deadletters -- list [--consumer <name>] [--limit <n>] [--json]
  npm run deadletters -- show <sequence> [--json]
  npm run deadletters -- redrive <sequence> [--json]
  npm run deadletters -- redrive --consumer <name> --all [--json]

environment: NATS_URL (default nats://127.0.0.1:4222), SUBJECT_PREFIX (default none)`;

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

type Command =
  | { name: 'help' }
  | { name: 'list'; consumer: string | undefined; limit: number; json: boolean }
  | { name: 'show'; sequence: number; json: boolean }
  | { name: 'redrive'; sequence: number; json: boolean }
  | { name: 'redrive-all'; consumer: string; json: boolean };

class UsageError extends Error {}

function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        consumer: { type: 'string' },
        limit: { type: 'string' },
        all: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  if (values.help) return { name: 'help' };
  const json = values.json;
  const refuse = (flags: ('consumer' | 'limit' | 'all')[]) => {
    for (const flag of flags) {
      if (values[flag] !== undefined && values[flag] !== false) {
        throw new UsageError(`${verb} does not take --${flag}`);
      }
    }
  };
  const noMoreThan = (count: number) => {
    if (rest.length > count) throw new UsageError(`unexpected argument "${rest[count]}"`);
  };

  switch (verb) {
    case 'list':
      refuse(['all']);
      noMoreThan(0);
      return {
        name: 'list',
        consumer: values.consumer === undefined ? undefined : consumerName(values.consumer),
        limit: values.limit === undefined ? DEFAULT_LIMIT : limit(values.limit),
        json,
      };
    case 'show':
      refuse(['consumer', 'limit', 'all']);
      noMoreThan(1);
      return { name: 'show', sequence: sequence(rest[0]), json };
    case 'redrive':
      refuse(['limit']);
      noMoreThan(1);
      if (values.all || values.consumer !== undefined) {
        if (rest.length > 0)
          throw new UsageError('give either a sequence or --consumer with --all');
        if (values.consumer === undefined) throw new UsageError('--all needs --consumer <name>');
        if (!values.all) {
          throw new UsageError(
            '--consumer re-drives every dead letter of that consumer: add --all',
          );
        }
        return { name: 'redrive-all', consumer: consumerName(values.consumer), json };
      }
      return { name: 'redrive', sequence: sequence(rest[0]), json };
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command "${verb}"`);
  }
}

function sequence(value: string | undefined): number {
  if (value === undefined) throw new UsageError('a dead-letter sequence is required');
  const n = Number(value);
  if (!/^[1-9]\d*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new UsageError(`"${value}" is not a dead-letter sequence (a positive integer)`);
  }
  return n;
}

function limit(value: string): number {
  const n = Number(value);
  if (!/^[1-9]\d*$/.test(value) || n > MAX_LIMIT) {
    throw new UsageError(`--limit must be an integer from 1 to ${MAX_LIMIT}, got "${value}"`);
  }
  return n;
}

function consumerName(value: string): string {
  if (!DeadLetters.isConsumerName(value)) {
    throw new UsageError(
      `"${value}" is not a consumer name (dot-separated letters, digits, _ and -)`,
    );
  }
  return value;
}

async function run(command: Exclude<Command, { name: 'help' }>, config: DeadLettersConfig) {
  const nc = await connect({ servers: config.NATS_URL, name: 'boucle-deadletters' });
  try {
    const sut = new DeadLetters({
      js: jetstream(nc),
      jsm: await jetstreamManager(nc),
      naming: new Naming(config.SUBJECT_PREFIX),
    });
    switch (command.name) {
      case 'list': {
        const entries = await sut.list({ consumer: command.consumer, limit: command.limit });
        print(command.json ? entries : listTable(entries, command.consumer), command.json);
        return 0;
      }
      case 'show': {
        const detail = await sut.inspect(command.sequence);
        if (!detail) return notFound(command.sequence);
        print(command.json ? detail : showText(detail), command.json);
        return 0;
      }
      case 'redrive': {
        const redriven = await sut.redrive(command.sequence);
        if (!redriven) return notFound(command.sequence);
        print(command.json ? redriven : redrivenLine(redriven), command.json);
        return 0;
      }
      case 'redrive-all': {
        const result = await sut.redriveAll(command.consumer);
        const text = [
          ...result.redriven.map(redrivenLine),
          ...result.failed.map((f) => `dead letter ${f.sequence} NOT re-driven: ${f.error}`),
          `${result.redriven.length} re-driven, ${result.failed.length} failed ` +
            `for consumer ${command.consumer}`,
        ].join('\n');
        print(command.json ? result : text, command.json);
        return result.failed.length === 0 ? 0 : 1;
      }
    }
  } finally {
    await nc.close();
  }
}

function notFound(sequence: number): number {
  console.error(`no dead letter at sequence ${sequence} (already re-driven, or never there)`);
  return 1;
}

function print(output: unknown, json: boolean): void {
  console.log(json ? JSON.stringify(output, null, 2) : output);
}

function listTable(entries: DeadLetterEntry[], consumer: string | undefined): string {
  if (entries.length === 0) {
    return consumer === undefined ? 'no dead letters' : `no dead letters for ${consumer}`;
  }
  return table([
    ['SEQ', 'DEAD-LETTERED AT', 'CONSUMER', 'SUBJECT', 'EVENT ID', 'DELIV', 'REDRIVES', 'REASON'],
    ...entries.map((e) => [
      String(e.sequence),
      e.deadLetteredAt,
      e.consumer,
      e.subject,
      e.eventId ?? '-',
      e.deliveries === null ? '-' : String(e.deliveries),
      String(e.redrives),
      oneLine(e.reason, 80),
    ]),
  ]);
}

function showText(d: DeadLetterDetail): string {
  const history =
    d.history.length === 0 ? ['  (none)'] : d.history.map((reason, i) => `  ${i + 1}. ${reason}`);
  return [
    table([
      ['sequence', String(d.sequence)],
      ['consumer', d.consumer],
      ['subject', d.subject],
      ['event', d.eventId === null ? '(not an event envelope)' : `${d.eventType} ${d.eventId}`],
      ['deliveries', d.deliveries === null ? '-' : String(d.deliveries)],
      ['redrives', String(d.redrives)],
      ['dead-lettered at', d.deadLetteredAt],
      ['reason', d.reason],
    ]),
    'earlier reasons (oldest first):',
    ...history,
    `body (${d.bodyBytes} bytes${d.bodyTruncated ? `, first ${d.body.length} characters shown` : ''}):`,
    d.bodyTruncated ? d.body : pretty(d.body),
  ].join('\n');
}

function redrivenLine(r: Redriven): string {
  const where = r.duplicate
    ? `already stored in ${r.stream} as ${r.storedSequence}`
    : `stored in ${r.stream} as ${r.storedSequence}`;
  return `dead letter ${r.sequence} (${r.consumer}, event ${r.eventId ?? 'none'}) re-driven to ${r.subject}: ${where}, re-drive ${r.redrives}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!)))
        .join('  '),
    )
    .join('\n');
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  let config: DeadLettersConfig;
  try {
    command = parseCommand(argv);
    if (command.name === 'help') {
      console.log(USAGE);
      return 0;
    }
    config = loadDeadLettersConfig();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`deadletters: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  try {
    return await run(command, config);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === 10059) {
      const stream = new Naming(config.SUBJECT_PREFIX).deadLetterStream();
      console.error(
        `deadletters: no stream ${stream} on ${config.NATS_URL}: nothing was ever dead-lettered there, or SUBJECT_PREFIX differs`,
      );
    } else {
      console.error(`deadletters: ${error instanceof Error ? error.message : String(error)}`);
    }
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
