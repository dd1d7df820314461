import { EnvelopeSchema, type EventDefinition, type EventEnvelope } from '@boucle/contracts';
import type { z } from 'zod';

export type ValidationResult<TDef extends EventDefinition> =
  { ok: true; envelope: EventEnvelope<z.output<TDef['schema']>> } | { ok: false; reason: string };

const describe = (issues: readonly z.core.$ZodIssue[], root: string) =>
  issues
    .slice(0, 5)
    .map(
      (i) =>
        `${[root, ...i.path.map(String)].filter(Boolean).join('.') || '(message)'}: ${i.message}`,
    )
    .join('; ');

/** Checks a raw message against the envelope and the event's own contract, at the edge. */
export function validateEvent<TDef extends EventDefinition>(
  def: TDef,
  raw: Uint8Array,
): ValidationResult<TDef> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success)
    return { ok: false, reason: `bad envelope: ${describe(envelope.error.issues, '')}` };
  if (envelope.data.type !== def.type || envelope.data.version !== def.version) {
    return {
      ok: false,
      reason: `unexpected event ${envelope.data.type}.v${envelope.data.version}, this consumer reads ${def.subject}`,
    };
  }
  const data = def.schema.safeParse(envelope.data.data);
  if (!data.success)
    return { ok: false, reason: `bad data: ${describe(data.error.issues, 'data')}` };
  return {
    ok: true,
    envelope: { ...envelope.data, data: data.data } as EventEnvelope<z.output<TDef['schema']>>,
  };
}
