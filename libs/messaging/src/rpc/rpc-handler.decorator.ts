import { MessagePattern, RpcException } from '@nestjs/microservices';
import {
  RPC_HEADERS,
  type Actor,
  type Role,
  type RpcDefinition,
  type RpcRequest,
  type RpcResponse,
} from '@boucle/contracts';
import type { z } from 'zod';
import { currentWorkContext } from '../context/work-context.js';
import { boundedErrorBody } from './bounded-error.js';
import { commandFingerprint, type RecordedCommand } from './command-log.js';
import { Refusal, refusalBody, validationRefusal } from './refusal.js';

type Handler<TDef extends RpcDefinition> = (
  request: RpcRequest<TDef>,
) => Promise<z.input<TDef['response']>> | z.input<TDef['response']>;

/**
 * Marks a controller method as the handler of one request/reply contract. The method
 * receives the request already validated (unknown fields and wrong types are refused
 * with the field named) and answers with what the contract's response allows; every
 * failure becomes a bounded, typed error answer here, in one place. A command whose id
 * already committed gets its first answer again without running twice.
 *
 *   @RpcHandler(InventoryRpc.placeHold)
 *   place(request: RpcRequest<typeof InventoryRpc.placeHold>) { return this.holds.place(request); }
 */
export function RpcHandler<TDef extends RpcDefinition>(def: TDef, access: RpcAccess) {
  return <THandler extends Handler<TDef>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<THandler>,
  ): void => {
    const handle = descriptor.value!;
    const roles = new Set<Role>(access.roles);
    descriptor.value = async function (this: unknown, data: unknown) {
      try {
        const actor = callerOf(def, data);
        if (!roles.has(actor.role)) {
          throw new Refusal(
            'forbidden',
            `${def.subject} is for ${[...roles].join(', ')}; ${actor.userId} is ${actor.role}`,
          );
        }
        const request =
          typeof data === 'object' && data !== null && !Array.isArray(data)
            ? { ...data, actor }
            : data;
        return await answer(def, request, (parsed) => handle.call(this, parsed));
      } catch (error) {
        throw new RpcException(boundedErrorBody(refusalBody(error, def.subject)));
      }
    } as unknown as THandler;
    MessagePattern(def.subject)(target, key, descriptor);
    Reflect.defineMetadata(
      RPC_HANDLER_METADATA,
      { definition: def, roles: [...access.roles] } satisfies RpcHandlerMetadata,
      descriptor.value,
    );
  };
}

/**
 * Who may call a handler, by role; which objects of theirs is the service's own rule
 * (another member's object is answered as not found). Declared on every handler, so
 * that the permission table is read off the handlers and no handler is left without one.
 */
export interface RpcAccess {
  roles: readonly Role[];
}

export const RPC_HANDLER_METADATA = 'boucle:rpc-handler';

export interface RpcHandlerMetadata {
  definition: RpcDefinition;
  roles: Role[];
}

/**
 * Who is calling: the actor its identity proves, and only that. Refused before anything
 * else of the request is read, so that a caller without an identity, or one claiming an
 * actor in the body, learns nothing of the request's rules.
 */
function callerOf(def: RpcDefinition, data: unknown): Actor {
  const context = currentWorkContext();
  if (typeof data === 'object' && data !== null && 'actor' in data) {
    throw new Refusal(
      'validation',
      'actor: who calls is what its identity proves, never a field of the request',
      { issues: [{ path: 'actor', message: 'not accepted: the identity says who calls' }] },
    );
  }
  if (!context?.actor) {
    throw new Refusal(
      'unauthenticated',
      `${def.subject} needs the caller's identity: ${context?.identityError ?? 'none was sent'}`,
    );
  }
  return context.actor;
}

async function answer<TDef extends RpcDefinition>(
  def: TDef,
  data: unknown,
  handle: (request: RpcRequest<TDef>) => unknown,
): Promise<RpcResponse<TDef>> {
  const context = currentWorkContext();
  if (def.kind === 'command' && context?.invalidCommandId) {
    throw new Refusal('validation', `${RPC_HEADERS.commandId}: must be a UUID`, {
      issues: [{ path: RPC_HEADERS.commandId, message: 'must be a UUID' }],
    });
  }
  const request = def.request.safeParse(data);
  if (!request.success) throw validationRefusal(request.error);
  const command = def.kind === 'command' ? context?.command : undefined;
  if (command) {
    command.fingerprint = commandFingerprint(def.subject, request.data);
    command.check = (result) => checkResponse(def, result);
  }
  try {
    return checkResponse(def, await handle(request.data as RpcRequest<TDef>));
  } catch (error) {
    // Sent again: its transaction's first statement claims the command id, which the first
    // attempt holds (committed, or still at work and then committed), so it fails there or
    // on another trace of the first (a duplicate serial). No lookup before the work: a
    // command seen for the first time, the usual case, costs no extra round trip.
    // The first answer is the answer.
    if (command) {
      const first = await command.log.find(command.id);
      if (first) return replay(def, command, first);
    }
    throw error;
  } finally {
    // Work the command left running (a timer) records nothing as its answer.
    if (command) command.done = true;
  }
}

/**
 * The first answer, only to the same request from the same actor: a command id is no
 * secret (events name it as their cause), and another caller must never read an answer
 * through it, nor have its own command dropped as if it were a retry.
 */
function replay<TDef extends RpcDefinition>(
  def: TDef,
  command: { id: string; fingerprint?: string },
  first: RecordedCommand,
): RpcResponse<TDef> {
  if (first.subject !== def.subject || first.fingerprint !== command.fingerprint) {
    throw new Refusal(
      'conflict',
      `command id ${command.id} was already used for another request: a new command needs a new id`,
    );
  }
  return checkResponse(def, first.response);
}

/** What leaves is what the contract promises, in its JSON form; anything else is a bug here. */
function checkResponse<TDef extends RpcDefinition>(def: TDef, result: unknown): RpcResponse<TDef> {
  const json: unknown = result === undefined ? null : JSON.parse(JSON.stringify(result));
  const checked = def.response.safeParse(json);
  if (checked.success) return checked.data as RpcResponse<TDef>;
  const issues = checked.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(response)'}: ${i.message}`)
    .join('; ');
  throw new Error(`${def.subject} answered a shape its contract does not allow: ${issues}`);
}
