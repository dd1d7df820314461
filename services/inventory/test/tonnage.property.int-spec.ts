import fc from 'fast-check';
import { InventoryRpc, type RpcRequestInput, type RpcResponse } from '@boucle/contracts';
import { RpcError } from '@boucle/messaging';
import { ReportsService } from '../src/reports/reports.service.js';
import {
  firmUser,
  lotOffer,
  refurbish,
  registerWheelchairModel,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

/*
 * The accounting identity (DOMAIN.md), checked on random histories of one member: intakes of
 * every kind with declared weights that add up to the net or not, moves, holds and hand-overs,
 * returns, washing batches, cardboard shredded into litter, dismantled donors, lots offered
 * from its construction site, taken or diverted. For random periods between the commands and
 * for the whole history, tonnes in = stock at the end - stock at the start + tonnes out, to
 * the gram; and over the whole history what came in is what was weighed (the intakes' nets)
 * and offered (the lots' declared weights), plus the aids given back.
 */

type GoodKind = 'item' | 'pool' | 'bulk' | 'lot';

interface IntakeGood {
  kind: GoodKind;
  /** Declared, or left to share the net. */
  kg: number | undefined;
}

type Command =
  | {
      type: 'intake';
      goods: IntakeGood[];
      /** Net = declared + extra - short: the rest is shared, unsorted, or (too short) refused. */
      extraKg: number;
      shortKg: number;
      backdatedMinutes: number;
    }
  | { type: 'offer'; quantity: number; kg: number | undefined }
  | { type: 'act'; target: number; choice: number };

const intakeGood: fc.Arbitrary<IntakeGood> = fc.record({
  kind: fc.constantFrom<GoodKind>('item', 'pool', 'bulk', 'lot'),
  kg: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
});

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('intake' as const),
      goods: fc.array(intakeGood, { minLength: 1, maxLength: 3 }),
      extraKg: fc.constantFrom(0, 0, 0.2, 3, 25),
      shortKg: fc.constantFrom(0, 0, 0.3, 8),
      backdatedMinutes: fc.constantFrom(0, 0, 0, 30),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('offer' as const),
      quantity: fc.integer({ min: 2, max: 20 }),
      kg: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      type: fc.constant('act' as const),
      target: fc.nat(),
      choice: fc.nat(),
    }),
  },
);

type Report = RpcResponse<typeof InventoryRpc.tonnageReport>;
const grams = (tonnes: number) => Math.round(tonnes * 1e6);

describe(`${ReportsService.name} (property)`, () => {
  let h: InventoryHarness;

  beforeAll(async () => {
    h = await startInventory();
    await registerWheelchairModel(h);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** One member's history, told by its commands; refusals are part of it and change nothing. */
  class History {
    readonly goods: string[] = [];
    readonly marks: string[] = [];
    /** Grams weighed in by intakes and declared by offers. */
    weighedAndOffered = 0;
    private serial = 0;

    constructor(
      readonly member: Fixture,
      readonly site: Fixture,
    ) {}

    async run(c: Command): Promise<void> {
      this.marks.push(new Date().toISOString());
      await this.attempt(() => this.apply(c));
    }

    private async apply(c: Command): Promise<void> {
      switch (c.type) {
        case 'intake':
          return this.intake(c);
        case 'offer': {
          const { goodId } = await h.rpc.request(
            InventoryRpc.offerLot,
            lotOffer(this.site, {
              actor: this.site.operator,
              quantity: String(c.quantity),
              unit: 'unit',
              ...(c.kg === undefined ? {} : { weightKg: c.kg }),
            }),
          );
          this.goods.push(goodId);
          this.weighedAndOffered += (c.kg ?? 0) * 1000;
          return;
        }
        case 'act':
          if (this.goods.length === 0) return;
          // Half the time one of the latest goods, so that some go a long way down their path.
          return this.act(
            c.target % 2 === 0
              ? this.goods.at(-1 - (c.target % Math.min(3, this.goods.length)))!
              : this.goods[c.target % this.goods.length]!,
            c.choice,
          );
      }
    }

    private async intake(c: Extract<Command, { type: 'intake' }>): Promise<void> {
      // Bulk is counted in kilograms: it always declares its weight, which is its quantity.
      const inputs = c.goods.map((g) => (g.kind === 'bulk' ? { ...g, kg: g.kg ?? 10 } : g));
      const declared = inputs.reduce((sum, g) => sum + (g.kg ?? 0), 0);
      const undeclared = inputs.filter((g) => g.kg === undefined).length;
      const net = Math.max(1, declared + 4 * undeclared + c.extraKg - c.shortKg);
      const goods = inputs.map(
        (g): RpcRequestInput<typeof InventoryRpc.recordIntake>['goods'][number] => {
          const weight = g.kg === undefined ? {} : { weightKg: g.kg };
          switch (g.kind) {
            case 'item':
              return {
                kind: 'item',
                serialNumber: `P-${++this.serial}-${this.member.organisationId.slice(0, 8)}`,
                make: 'Invacare',
                model: 'Action 3',
                manufacturedOn: '2025-01-01',
                ...weight,
              };
            case 'pool':
              return {
                kind: 'pool',
                containerType: 'bottle 75 cl',
                count: 6,
                depositCents: 20,
                ...weight,
              };
            case 'bulk':
              return { kind: 'bulk', material: 'cardboard', weightKg: g.kg! };
            case 'lot':
              return {
                kind: 'lot',
                materialFamily: 'doors',
                quantity: '5',
                unit: 'unit',
                conditionGrade: 'B',
                wasteCode: '17 02 01',
                ...weight,
              };
          }
        },
      );
      const receivedAt = new Date(Date.now() - c.backdatedMinutes * 60_000).toISOString();
      const { goodIds } = await h.rpc.request(InventoryRpc.recordIntake, {
        actor: this.member.operator,
        siteId: this.member.siteId,
        locationId: this.member.locationId,
        receivedAt,
        grossWeightKg: net + 2,
        tareKg: 2,
        provenance: { locality: 'Amiens' },
        collectionMode: c.backdatedMinutes > 0 ? 'pickup' : 'drop-off',
        goods,
      });
      this.goods.push(...goodIds);
      this.weighedAndOffered += Math.round(net * 1000);
    }

    /** Takes the good one step further down one of its paths, as `choice` picks. */
    private async act(goodId: string, choice: number): Promise<void> {
      const good = await h.rpc.request(InventoryRpc.getGood, {
        actor: this.member.operator,
        goodId,
      });
      const owner = good.organisationId === this.site.organisationId ? this.site : this.member;
      const actor = owner.operator;
      const at = (state: string) => good.balances.find((b) => b.state === state);
      const handOver = async (quantity: string, holderId = 'taker-1') => {
        const { holdId } = await h.rpc.request(InventoryRpc.placeHold, {
          actor,
          goodId,
          quantity,
          holderId,
          ttlSeconds: 600,
        });
        // Some holds are released instead: the quantity goes back where it was.
        if (choice % 5 === 4)
          await h.rpc.request(InventoryRpc.releaseHold, { actor, holdId, reason: 'cancelled' });
        else
          await h.rpc.request(InventoryRpc.handOverHold, {
            actor,
            holdId,
            beneficiaryRef: holderId,
          });
      };
      const move = (fromState: string, toState: string, quantity: string, toLocationId?: string) =>
        h.rpc.request(InventoryRpc.moveGood, {
          actor,
          goodId,
          quantity,
          fromState,
          toState,
          reason: 'other',
          ...(toLocationId ? { toLocationId } : {}),
        });
      const part = (quantity: string) =>
        String(Math.max(1, Math.floor((Number(quantity) * ((choice % 3) + 1)) / 3)));
      // Now and then a correction: a new weighed mass, stock added, removed, lost or found.
      if (choice % 7 === 6) {
        const lost = at('lost');
        const place = good.balances.find((b) => !['held', 'lost'].includes(b.state));
        const correct = (c: Record<string, unknown>) =>
          h.rpc.request(InventoryRpc.correctGood, {
            actor,
            goodId,
            ...c,
          } as RpcRequestInput<typeof InventoryRpc.correctGood>);
        if (choice % 4 === 0)
          await correct({ kind: 'weight', weighedKg: 1 + (choice % 30), reason: 'weighing-error' });
        else if (lost)
          await correct({ kind: 'found', quantity: good.kind === 'item' ? '1' : lost.quantity });
        else if (place && choice % 4 === 1)
          await correct({
            kind: 'lost',
            quantity: good.kind === 'item' ? '1' : part(place.quantity),
            state: place.state,
          });
        else if (place)
          await correct({
            kind: 'quantity',
            direction: choice % 4 === 2 ? 'add' : 'remove',
            quantity: part(place.quantity),
            state: place.state,
            locationId: place.locationId,
            reason: 'counting-error',
          });
        return;
      }

      switch (good.kind) {
        case 'item': {
          const actorR = this.member.refurbisher;
          if (good.state === 'handed-over') {
            await h.rpc.request(InventoryRpc.returnItem, {
              actor,
              goodId,
              locationId: this.member.otherLocationId,
            });
          } else if (good.state === 'received' && choice % 3 === 0) {
            await h.rpc.request(InventoryRpc.triage, { actor: actorR, goodId, decision: 'scrap' });
          } else if (good.state === 'received' && choice % 3 === 1) {
            await h.rpc.request(InventoryRpc.triage, {
              actor: actorR,
              goodId,
              decision: 'parts-donor',
            });
            const donorKg = 5 + (choice % 20);
            const result = await h.rpc.request(InventoryRpc.recordTransformation, {
              kind: 'dismantle',
              actor: actorR,
              donorId: goodId,
              donorWeightKg: donorKg,
              parts: [
                { name: 'wheel', weightKg: 2 },
                { name: 'cushion', weightKg: 1 },
              ],
              lossKg: donorKg - 3,
            });
            this.goods.push(...result.outputGoodIds);
          } else if (good.state === 'received') {
            await refurbish(h, this.member, goodId);
          } else if (good.state === 'available') {
            await handOver('1', 'ben-1');
          }
          return;
        }
        case 'pool': {
          const collected = at('collected');
          const available = at('available');
          if (available && choice % 2 === 0) return handOver(part(available.quantity));
          if (!collected) return;
          const batch = part(collected.quantity);
          await move('collected', 'washing', batch);
          const broken = choice % 4 === 0 ? 1 : 0;
          await h.rpc.request(InventoryRpc.recordTransformation, {
            kind: 'washing',
            actor,
            poolId: goodId,
            washed: Number(batch) - broken,
            broken,
          });
          if (Number(batch) > broken)
            await move('washed', 'available', String(Number(batch) - broken));
          return;
        }
        case 'bulk': {
          const collected = at('collected');
          const available = at('available');
          if (available) {
            await move('available', 'delivered', part(available.quantity));
            return;
          }
          if (!collected) return;
          const quantity = part(collected.quantity);
          const baleKg = Math.floor(Number(quantity) * 0.9 * 1000) / 1000;
          const result = await h.rpc.request(InventoryRpc.recordTransformation, {
            kind: 'cardboard-to-litter',
            actor,
            locationId: collected.locationId,
            inputs: [{ goodId, quantity, weightKg: Number(quantity) }],
            bales: [{ weightKg: baleKg }],
            lossKg: Math.round((Number(quantity) - baleKg) * 1000) / 1000,
          });
          this.goods.push(...result.outputGoodIds);
          return;
        }
        case 'lot': {
          const offered = at('offered');
          const stored = at('stored');
          const available = at('available');
          if (offered && choice % 3 === 0) {
            await h.rpc.request(InventoryRpc.divertLot, {
              actor: firmUser(this.site),
              goodId,
              destination: {
                route: choice % 2 ? 'landfill' : 'recycling',
                facility: 'ISDND Amiens',
              },
            });
          } else if (offered) {
            await handOver(part(offered.quantity), 'firm-taker');
          } else if (stored) {
            await move('stored', 'available', stored.quantity, this.member.otherLocationId);
          } else if (available) {
            await handOver(part(available.quantity));
          }
          return;
        }
      }
    }

    /** A refusal is an answer like any other; anything else is a failure of the test. */
    private async attempt(step: () => Promise<void>): Promise<void> {
      try {
        await step();
      } catch (error) {
        if (!(error instanceof RpcError) || error.code === 'internal') throw error;
      }
    }
  }

  const report = (fixture: Fixture, from: string, to: string): Promise<Report> =>
    h.rpc.request(InventoryRpc.tonnageReport, { actor: fixture.operator, from, to });

  function expectIdentity(r: Report): void {
    expect({ from: r.from, to: r.to, in: grams(r.inTonnes) }).toEqual({
      from: r.from,
      to: r.to,
      in: grams(r.stockEndTonnes) - grams(r.stockStartTonnes) + grams(r.outTonnes),
    });
  }

  it('should keep tonnes in = stock at the end - stock at the start + tonnes out, for every period', async () => {
    let outs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 6, maxLength: 24 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 3, maxLength: 3 }),
        async (commands, periods) => {
          const member = await h.member();
          // The member's own construction site, where its lots are offered from.
          const { siteId, locations } = await h.rpc.request(InventoryRpc.registerSite, {
            actor: member.operator,
            organisationId: member.organisationId,
            name: 'Chantier Gare',
            kind: 'construction-site',
            locality: 'Amiens',
            locations: ['cour'],
          });
          const site = { ...member, siteId, locationId: locations[0]!.id };
          const history = new History(member, site);
          for (const c of commands) await history.run(c);
          history.marks.push(new Date(Date.now() + 1_000).toISOString());

          const marks = history.marks;
          for (const [a, b] of periods) {
            const [from, to] = [marks[a % marks.length]!, marks[b % marks.length]!].sort();
            if (from! >= to!) continue;
            expectIdentity(await report(member, from!, to!));
          }
          const whole = await report(member, '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z');
          expectIdentity(whole);
          expect(whole.stockStartTonnes).toBe(0);
          // Returned aids and corrections come in again, under rows rounded to the kilogram.
          const returned = whole.in.filter(
            (r) => r.collectionMode === 'return' || r.collectionMode === 'correction',
          );
          const beyondWeighed =
            grams(whole.inTonnes) -
            grams(returned.reduce((t, r) => t + r.tonnes, 0)) -
            history.weighedAndOffered;
          expect(Math.abs(beyondWeighed)).toBeLessThanOrEqual(500 * returned.length);
          if (whole.outTonnes > 0) outs++;
        },
      ),
      { numRuns: 40 },
    );
    // The histories reached goods going out, not only intakes.
    expect(outs).toBeGreaterThan(5);
  });
});
