import { InventoryRpc } from '@boucle/contracts';
import { SitesService } from '../src/sites/sites.service.js';
import {
  intakeWheelchair,
  refusal,
  registerWheelchairModel,
  startInventory,
  WHEELCHAIR_CHECKLIST,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

/*
 * Device models are the cluster's shared reference. Before, any member could replace a
 * model's checklist with one step and a 30-year lifetime, and every workshop then
 * certified against it, aids already in the workshop included.
 */
describe(SitesService.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;
  let serial = 0;

  beforeAll(async () => {
    h = await startInventory();
    fixture = await h.member();
  });

  afterAll(async () => {
    await h?.close();
  });

  const model = (name: string) => ({ make: 'Sunrise', model: name });

  async function startedAid(name: string): Promise<string> {
    const goodId = await intakeWheelchair(h, fixture, `DM-${serial++}`, model(name));
    const actor = fixture.refurbisher;
    await h.rpc.request(InventoryRpc.triage, { actor, goodId, decision: 'repairable' });
    await h.rpc.request(InventoryRpc.startRefurbishment, { actor, goodId });
    return goodId;
  }

  const checklist = (goodId: string, steps: readonly string[]) =>
    h.rpc.request(InventoryRpc.recordChecklist, {
      actor: fixture.refurbisher,
      goodId,
      steps: steps.map((step) => ({ step, done: true })),
    });

  describe('registerDeviceModel', () => {
    it.each(['refurbisher', 'operator'] as const)(
      "should refuse a member's %s registering or changing a model",
      async (role) => {
        const error = await refusal(
          h.rpc.request(InventoryRpc.registerDeviceModel, {
            actor: fixture[role],
            ...model('Breezy'),
            isoClass: '12 22 03',
            lifetimeYears: 30,
            checklist: ['looks fine'],
            instructionsRef: 'doc://none',
          }),
        );

        expect(error.code).toBe('forbidden');
      },
    );

    it('should record each change by the coordinator as a new version', async () => {
      const first = await registerWheelchairModel(h, model('Versioned'));
      const second = await registerWheelchairModel(h, { ...model('Versioned'), lifetimeYears: 6 });

      expect([first.version, second.version]).toEqual([1, 2]);
    });

    it('should keep a cycle on the version it started with when the coordinator changes the model', async () => {
      await registerWheelchairModel(h, model('Pinned'));
      const started = await startedAid('Pinned');
      await registerWheelchairModel(h, {
        ...model('Pinned'),
        checklist: [...WHEELCHAIR_CHECKLIST, 'anti-tip wheels'],
      });
      const later = await startedAid('Pinned');

      // The aid already in the workshop is checked against the checklist it started with…
      await checklist(started, WHEELCHAIR_CHECKLIST);
      // …the one started after the change against the new one, which asks for one more step.
      const incomplete = await refusal(checklist(later, WHEELCHAIR_CHECKLIST));
      expect(incomplete.body.message).toContain('anti-tip wheels');
      await checklist(later, [...WHEELCHAIR_CHECKLIST, 'anti-tip wheels']);
    });
  });
});
