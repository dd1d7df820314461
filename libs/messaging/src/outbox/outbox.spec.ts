import { InventoryHoldReleasedV1 } from '@boucle/contracts';
import { buildEnvelope, InvalidEventError } from './outbox.js';

describe(buildEnvelope.name, () => {
  const actor = { userId: 'op-1', role: 'operator', organisationId: 'org-1' } as const;
  const data = InventoryHoldReleasedV1.example;

  it('should fill the envelope and start a correlation when none is given', () => {
    const sut = buildEnvelope(
      InventoryHoldReleasedV1,
      data,
      { actor },
      new Date('2026-11-23T10:00:00Z'),
    );
    expect(sut).toMatchObject({
      type: 'inventory.hold.released',
      version: 1,
      producer: 'inventory',
      occurredAt: '2026-11-23T10:00:00.000Z',
      correlationId: sut.id,
      causationId: null,
      actor,
      aggregate: { type: 'inventory.hold', id: data.holdId, version: 1 },
      data,
    });
  });

  it('should carry the correlation and causation it is given', () => {
    const correlationId = '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11';
    const causationId = '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10';
    const sut = buildEnvelope(InventoryHoldReleasedV1, data, { actor, correlationId, causationId });
    expect(sut).toMatchObject({ correlationId, causationId });
  });

  it('should refuse data that breaks the contract, naming the field', () => {
    expect(() =>
      buildEnvelope(InventoryHoldReleasedV1, { ...data, reason: 'lost' as 'expired' }, { actor }),
    ).toThrow(InvalidEventError);
    expect(() =>
      buildEnvelope(InventoryHoldReleasedV1, { ...data, reason: 'lost' as 'expired' }, { actor }),
    ).toThrow(/reason:/);
  });
});
