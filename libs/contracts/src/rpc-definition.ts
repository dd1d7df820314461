import type { z } from 'zod';
import type { Producer } from './envelope.js';
import { rpcSubject } from './subjects.js';

/**
 * A command changes something and carries a command id: a retry with the same id
 * gets the first answer and acts once. A query only reads and may be repeated freely.
 */
export type RpcKind = 'command' | 'query';

/** One request/reply endpoint: its subject, what it takes and what it answers. */
export interface RpcDefinition<
  TRequest extends z.ZodType = z.ZodType,
  TResponse extends z.ZodType = z.ZodType,
> {
  readonly service: Producer;
  readonly kind: RpcKind;
  /** `rpc.<service>.<aggregate>.<verb>` */
  readonly subject: string;
  readonly description: string;
  readonly request: TRequest;
  readonly response: TResponse;
}

export type RpcRequest<TDef extends RpcDefinition> = z.output<TDef['request']>;
export type RpcRequestInput<TDef extends RpcDefinition> = z.input<TDef['request']>;
export type RpcResponse<TDef extends RpcDefinition> = z.output<TDef['response']>;

interface DefinitionInput<TRequest extends z.ZodType, TResponse extends z.ZodType> {
  service: Producer;
  aggregate: string;
  verb: string;
  description: string;
  request: TRequest;
  response: TResponse;
}

function define<TRequest extends z.ZodType, TResponse extends z.ZodType>(
  kind: RpcKind,
  def: DefinitionInput<TRequest, TResponse>,
): RpcDefinition<TRequest, TResponse> {
  return {
    service: def.service,
    kind,
    subject: rpcSubject(def.service, def.aggregate, def.verb),
    description: def.description,
    request: def.request,
    response: def.response,
  };
}

export const defineCommand = <TRequest extends z.ZodType, TResponse extends z.ZodType>(
  def: DefinitionInput<TRequest, TResponse>,
) => define('command', def);

export const defineQuery = <TRequest extends z.ZodType, TResponse extends z.ZodType>(
  def: DefinitionInput<TRequest, TResponse>,
) => define('query', def);

/**
 * Headers of a request. The correlation id follows a piece of work across requests,
 * events and jobs; the command id makes a retried command act once.
 */
export const RPC_HEADERS = {
  correlationId: 'Boucle-Correlation-Id',
  commandId: 'Boucle-Command-Id',
  /** Who is calling, signed by the gateway: the only source of a request's actor. */
  identity: 'Boucle-Identity',
  /**
   * `<object id> <revision>`: the command goes ahead only if that object is still at that
   * revision (HTTP If-Match), so that one person cannot overwrite another's change unseen.
   */
  ifMatch: 'Boucle-If-Match',
} as const;

/** What a caller sends: the request without its actor, which the identity header carries. */
export type RpcBody<TDef extends RpcDefinition> = Omit<RpcRequestInput<TDef>, 'actor'>;
