import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import {
  InventoryLotDivertedV1,
  InventoryLotOfferedV1,
  type Actor,
  type DivertLotV1,
  type OfferLotV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor, assertRole, SYSTEM_ACTOR } from '../common/actor.js';
import { Refusal, validation } from '../common/errors.js';
import { loadGood, type GoodRow } from '../goods/good.js';
import { normalise, StockService } from '../goods/stock.service.js';
import { SitesService } from '../sites/sites.service.js';
import { divertJobOptions, LOTS_QUEUE, LotJob, type DivertUntakenPayload } from './lots.jobs.js';

type Destination = z.output<typeof DivertLotV1>['destination'];

/**
 * Lots offered from construction sites (PEMD): supply that is ephemeral, offered
 * for a window tied to the works. Takers hold part or all of a lot; what nobody
 * takes before `mustBeGoneBy` is diverted to the recycling route the firm named,
 * and where it went is recorded for the owner's récolement.
 */
@Injectable()
export class LotsService {
  private readonly logger = new Logger(LotsService.name);

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly sites: SitesService,
    private readonly stock: StockService,
    @InjectQueue(LOTS_QUEUE) private readonly queue: Queue<DivertUntakenPayload>,
  ) {}

  async offer(cmd: z.output<typeof OfferLotV1>): Promise<{ goodId: string }> {
    assertRole(cmd.actor, ['firm', 'operator'], 'offering a lot');
    if (new Date(cmd.mustBeGoneBy) <= new Date())
      throw validation('mustBeGoneBy', 'must be in the future');
    const { goodId } = await inTransaction(this.orm, async (em) => {
      const site = await this.sites.loadSite(em, cmd.siteId);
      assertActsFor(cmd.actor, site.organisation_id, `site ${site.id}`);
      if (site.kind !== 'construction-site') {
        throw validation(
          'siteId',
          `lots are offered from a construction site; site ${site.id} is a ${site.kind}`,
        );
      }
      await this.sites.assertLocationOnSite(em, cmd.locationId, site.id);
      const id = randomUUID();
      const {
        actor: _actor,
        siteId: _site,
        locationId: _location,
        quantity: _q,
        unit,
        weightKg,
        ...description
      } = cmd;
      const [good] = await em.execute<GoodRow[]>(
        `INSERT INTO good (id, kind, organisation_id, site_id, unit, state, description, weight_kg,
                           available_from, must_be_gone_by)
         VALUES (?, 'lot', ?, ?, ?, 'offered', ?, ?, ?, ?) RETURNING *`,
        [
          id,
          site.organisation_id,
          site.id,
          unit,
          JSON.stringify(description),
          weightKg ?? null,
          cmd.availableFrom,
          cmd.mustBeGoneBy,
        ],
      );
      await this.stock.move(em, {
        good: good!,
        quantity: cmd.quantity,
        from: null,
        to: { state: 'offered', locationId: cmd.locationId },
        reason: `offered from ${site.name} until ${cmd.mustBeGoneBy}`,
        actor: cmd.actor,
        cause: { type: 'command', id },
        weightKg: weightKg ?? null,
      });
      await recordEvent(
        em,
        InventoryLotOfferedV1,
        {
          goodId: id,
          siteId: site.id,
          organisationId: site.organisation_id,
          materialFamily: cmd.materialFamily,
          quantity: normalise(cmd.quantity),
          unit,
          estimated: cmd.estimated,
          conditionGrade: cmd.conditionGrade,
          availableFrom: new Date(cmd.availableFrom).toISOString(),
          mustBeGoneBy: new Date(cmd.mustBeGoneBy).toISOString(),
        },
        { actor: cmd.actor },
      );
      return { goodId: id };
    });
    await this.queue
      .add(
        LotJob.divertUntaken,
        { goodId },
        divertJobOptions(goodId, new Date(cmd.mustBeGoneBy).getTime() - Date.now()),
      )
      .catch((error: unknown) =>
        this.logger.error(`could not schedule the diversion of lot ${goodId}: ${String(error)}`),
      );
    return { goodId };
  }

  /** The firm diverts what is still offered (say the works moved forward). */
  async divert(cmd: z.output<typeof DivertLotV1>): Promise<{ goodId: string; diverted: string }> {
    return inTransaction(this.orm, async (em) => {
      const good = await loadGood(em, cmd.goodId, true);
      assertActsFor(cmd.actor, good.organisation_id, `lot ${good.id}`);
      const diverted = await this.divertOffered(em, good, cmd.destination, cmd.actor, false);
      if (diverted === null) {
        throw new Refusal('insufficient-quantity', `nothing of lot ${cmd.goodId} is still offered`);
      }
      return { goodId: cmd.goodId, diverted };
    });
  }

  /** The job at `mustBeGoneBy`: idempotent, since a lot with nothing left offered is left alone. */
  async divertUntaken(goodId: string): Promise<'diverted' | 'nothing-left' | 'not-yet'> {
    return inTransaction(this.orm, async (em) => {
      const good = await loadGood(em, goodId, true);
      const [due] = await em.execute<{ due: boolean }[]>(
        'SELECT must_be_gone_by <= clock_timestamp() AS due FROM good WHERE id = ?',
        [goodId],
      );
      if (!due?.due) return 'not-yet';
      const fallback = good.description['fallback'] as Destination;
      return (await this.divertOffered(em, good, fallback, SYSTEM_ACTOR, true)) === null
        ? 'nothing-left'
        : 'diverted';
    });
  }

  /** Every lot still offered past its window; returns how many were diverted. */
  async sweepOverdue(limit = 500): Promise<number> {
    const overdue = await this.orm.em.fork().execute<{ id: string }[]>(
      `SELECT g.id FROM good g
        WHERE g.kind = 'lot' AND g.must_be_gone_by <= clock_timestamp()
          AND EXISTS (SELECT 1 FROM stock_balance b WHERE b.good_id = g.id AND b.state = 'offered' AND b.quantity > 0)
        ORDER BY g.must_be_gone_by LIMIT ?`,
      [limit],
    );
    let diverted = 0;
    for (const { id } of overdue) if ((await this.divertUntaken(id)) === 'diverted') diverted++;
    return diverted;
  }

  private async divertOffered(
    em: EntityManager,
    good: GoodRow,
    destination: Destination,
    actor: Actor,
    automatic: boolean,
  ): Promise<string | null> {
    if (good.kind !== 'lot')
      throw validation('goodId', `good ${good.id} is a ${good.kind}, not a lot`);
    const offered = await em.execute<{ location_id: string; quantity: string }[]>(
      `SELECT location_id, quantity::text AS quantity FROM stock_balance
        WHERE good_id = ? AND state = 'offered' AND quantity > 0`,
      [good.id],
    );
    if (offered.length === 0) return null;
    let total = 0;
    for (const balance of offered) {
      await this.stock.move(em, {
        good,
        quantity: balance.quantity,
        from: { state: 'offered', locationId: balance.location_id },
        to: { state: 'diverted', locationId: balance.location_id },
        reason: `${automatic ? 'not taken in time: ' : ''}${destination.route} at ${destination.facility}`,
        actor,
        cause: { type: automatic ? 'job' : 'command', id: good.id },
      });
      await em.execute(
        `INSERT INTO diversion (good_id, quantity, route, facility, automatic, actor) VALUES (?, ?, ?, ?, ?, ?)`,
        [
          good.id,
          balance.quantity,
          destination.route,
          destination.facility,
          automatic,
          JSON.stringify(actor),
        ],
      );
      total += Number(balance.quantity);
    }
    const quantity = normalise(total.toFixed(3));
    await recordEvent(
      em,
      InventoryLotDivertedV1,
      {
        goodId: good.id,
        quantity,
        unit: good.unit,
        route: destination.route,
        facility: destination.facility,
        automatic,
      },
      { actor },
    );
    return quantity;
  }
}
