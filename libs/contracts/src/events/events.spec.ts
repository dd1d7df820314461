import { z } from 'zod';
import { EnvelopeSchema } from '../envelope.js';
import { ALL_EVENTS } from './index.js';

describe('ALL_EVENTS', () => {
  it.each(ALL_EVENTS.map((def) => [def.subject, def] as const))(
    'should accept its own example for %s',
    (_subject, def) => {
      expect(def.schema.safeParse(def.example).error).toBeUndefined();
    },
  );

  it.each(ALL_EVENTS.map((def) => [def.subject, def] as const))(
    'should reject an unknown field for %s',
    (_subject, def) => {
      const example = def.example as Record<string, unknown>;
      expect(def.schema.safeParse({ ...example, unexpected: true }).success).toBe(false);
    },
  );

  it.each(ALL_EVENTS.map((def) => [def.subject, def] as const))(
    'should emit a JSON Schema for %s',
    (_subject, def) => {
      const json = z.toJSONSchema(def.schema);
      expect(json.type).toBe('object');
    },
  );

  it('should name each subject once', () => {
    const subjects = ALL_EVENTS.map((def) => def.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('should keep every subject under its producer', () => {
    for (const def of ALL_EVENTS) {
      expect(def.subject).toMatch(
        new RegExp(`^${def.producer}\\.[a-z-]+\\.[a-z-]+\\.v${def.version}$`),
      );
    }
  });
});

describe('EnvelopeSchema', () => {
  const valid = {
    id: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    type: 'inventory.intake.recorded',
    version: 1,
    producer: 'inventory',
    occurredAt: '2026-11-20T09:15:00Z',
    correlationId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11',
    causationId: null,
    actor: { userId: 'u-1', role: 'operator', organisationId: 'org-1' },
    data: {},
  };

  it('should accept a complete envelope', () => {
    expect(EnvelopeSchema.safeParse(valid).success).toBe(true);
  });

  it('should name the field when the id is not a UUID', () => {
    const result = EnvelopeSchema.safeParse({ ...valid, id: 'nope' });
    expect(result.error?.issues[0]?.path).toEqual(['id']);
  });

  it('should reject an unknown role', () => {
    const result = EnvelopeSchema.safeParse({ ...valid, actor: { ...valid.actor, role: 'admin' } });
    expect(result.error?.issues[0]?.path).toEqual(['actor', 'role']);
  });
});
