import { Injectable } from '@nestjs/common';
import {
  RecordIntakeV1,
  type CollectionPickupCompletedV1Data,
  type IntakeGoodInput,
} from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { Refusal, validation } from '../common/errors.js';
import { IntakeService } from '../intake/intake.service.js';
import { LotsService } from '../lots/lots.service.js';

/**
 * What collection's crews bring in. A completed pickup is taken in at the site and
 * location it was delivered to, as one weighed intake: the load the crew weighed (no
 * container: the tare is nil), the goods as the driver recorded them, the collection
 * mode and where it came from. A construction site's pickup names the firm's lot instead,
 * which inventory has had since it was offered (and counted in then): what the crew took
 * of it is collected from the lot, never taken in as new goods. Either runs in the
 * consumer's transaction, so its effect and the inbox row commit together: a pickup
 * delivered twice is taken in once.
 */
@Injectable()
export class CollectionsService {
  constructor(
    private readonly intake: IntakeService,
    private readonly lots: LotsService,
  ) {}

  async takeIn(
    em: EntityManager,
    pickup: CollectionPickupCompletedV1Data,
    eventId: string,
  ): Promise<{ intakeId: string } | { lotGoodId: string; collectedGoodId: string }> {
    return pickup.lotGoodId === null
      ? this.recordIntake(em, pickup)
      : this.collectLot(em, { ...pickup, lotGoodId: pickup.lotGoodId }, eventId);
  }

  /**
   * What the crew loaded of the firm's lot: the lot's goods as the driver recorded them (in
   * the lot's unit), added up; the load's weight is the lot's, as nothing else may ride with
   * it. Refused with the pickup and the lot named, then dead-lettered for someone to reconcile.
   */
  async collectLot(
    em: EntityManager,
    pickup: CollectionPickupCompletedV1Data & { lotGoodId: string },
    eventId: string,
  ): Promise<{ lotGoodId: string; collectedGoodId: string }> {
    const refused = (error: Refusal) =>
      new Refusal(
        error.code,
        `pickup ${pickup.pickupId} cannot collect lot ${pickup.lotGoodId}: ${error.message}`,
        error.extra,
      );
    const lots: Extract<CollectionPickupCompletedV1Data['goods'][number], { kind: 'lot' }>[] = [];
    for (const [index, good] of pickup.goods.entries()) {
      if (good.kind !== 'lot')
        throw refused(
          validation(
            `goods.${index}.kind`,
            `is ${good.kind}: a lot's pickup carries only that lot`,
          ),
        );
      if (lots.length > 0 && good.unit !== lots[0]!.unit)
        throw refused(validation(`goods.${index}.unit`, `the lot is counted in ${lots[0]!.unit}`));
      lots.push(good);
    }
    const thousandths = lots.reduce(
      (sum, good) => sum + Math.round(Number(good.quantity) * 1000),
      0,
    );
    try {
      const collected = await this.lots.collectIn(em, {
        pickupId: pickup.pickupId,
        lotGoodId: pickup.lotGoodId,
        quantity: (thousandths / 1000).toFixed(3),
        unit: lots[0]!.unit,
        // A crew that did not weigh the load records nothing: no weighing, not zero kilograms.
        weighedKg: pickup.actual.kg > 0 ? pickup.actual.kg : null,
        deliverTo: pickup.deliverTo,
        eventId,
      });
      return { lotGoodId: collected.goodId, collectedGoodId: collected.collectedGoodId };
    } catch (error) {
      throw error instanceof Refusal ? refused(error) : error;
    }
  }

  async recordIntake(
    em: EntityManager,
    pickup: CollectionPickupCompletedV1Data,
  ): Promise<{ intakeId: string }> {
    // Through the command's own contract, so that an intake from a pickup meets every rule
    // an intake typed at the site meets (a starred waste code, a load of nothing…).
    const parsed = RecordIntakeV1.safeParse({
      actor: SYSTEM_ACTOR,
      siteId: pickup.deliverTo.siteId,
      locationId: pickup.deliverTo.locationId,
      receivedAt: pickup.collectedAt,
      grossWeightKg: pickup.actual.kg,
      tareKg: 0,
      provenance: {
        locality: pickup.provenance.locality,
        organisationId: pickup.organisationId,
        ...(pickup.provenance.donorRef !== null && { donorRef: pickup.provenance.donorRef }),
      },
      collectionMode: pickup.mode,
      goods: pickup.goods.map(intakeGood),
    });
    if (!parsed.success) {
      // Retried, then dead-lettered with this reason for someone to correct and re-drive.
      throw new Refusal(
        'validation',
        `pickup ${pickup.pickupId} cannot be taken in: ${parsed.error.issues
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      );
    }
    const { intakeId } = await this.intake.recordIn(em, parsed.data);
    return { intakeId };
  }
}

function intakeGood(good: CollectionPickupCompletedV1Data['goods'][number]): IntakeGoodInput {
  switch (good.kind) {
    case 'item':
      return {
        kind: 'item',
        serialNumber: good.serialNumber,
        make: good.make,
        model: good.model,
        ...(good.weightKg !== undefined && { weightKg: good.weightKg }),
      };
    case 'lot':
      return {
        kind: 'lot',
        materialFamily: good.materialFamily,
        quantity: good.quantity,
        unit: good.unit,
        conditionGrade: good.conditionGrade,
        wasteCode: good.wasteCode,
        hazardous: false,
        ...(good.weightKg !== undefined && { weightKg: good.weightKg }),
      };
    case 'pool':
      return {
        kind: 'pool',
        containerType: good.containerType,
        count: good.count,
        depositCents: good.depositCents,
        ...(good.weightKg !== undefined && { weightKg: good.weightKg }),
      };
    case 'bulk':
      return { kind: 'bulk', material: good.material, weightKg: good.weightKg };
  }
}
