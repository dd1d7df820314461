import { SetMetadata } from '@nestjs/common';
import type { EventData, EventDefinition, EventEnvelope } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';

export const ON_EVENT_METADATA = 'boucle:on-event';

export interface OnEventOptions {
  /**
   * The durable consumer's name, `<service>.<purpose>`, shared by every replica.
   * Never rename a live one: a new name starts again from the stream's first event.
   */
  consumer: string;
  concurrency?: number;
  batchSize?: number;
  maxDeliveries?: number;
  ackWaitMs?: number;
  /** A handler still running after this has failed (30 s by default). */
  handlerTimeoutMs?: number;
  /**
   * For a handler that keeps the latest state of an aggregate: an event older than
   * the newest applied for its aggregate is skipped. A name shares that guard between
   * the handlers writing one read model. Never for handlers that add up what each
   * event says (a skipped delta would be lost).
   */
  latestWins?: boolean | string;
}

export interface OnEventMetadata extends OnEventOptions {
  event: EventDefinition;
}

/** The handler of one event version: its envelope's data is typed by the contract. */
export type EventHandlerMethod<TDef extends EventDefinition> = (
  event: EventEnvelope<EventData<TDef>>,
  em: EntityManager,
) => Promise<void>;

/**
 * Marks a provider method as the handler of one event version. It is called
 * with the validated envelope and a fresh EntityManager inside the transaction
 * that also records the event in the inbox. The event's type comes from the
 * contract, so a handler cannot declare another one:
 *
 *   @OnEvent(InventoryHoldPlacedV1, { consumer: 'matching.hold-placed' })
 *   async onHoldPlaced(event: EventEnvelope<EventData<typeof InventoryHoldPlacedV1>>, em: EntityManager) { … }
 */
export function OnEvent<TDef extends EventDefinition>(event: TDef, options: OnEventOptions) {
  return <THandler extends EventHandlerMethod<TDef>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<THandler>,
  ): void => {
    SetMetadata<string, OnEventMetadata>(ON_EVENT_METADATA, { event, ...options })(
      target,
      key,
      descriptor,
    );
  };
}
