import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  MatchingNeedClosedV1,
  MatchingNeedRegisteredV1,
  type Actor,
  type EraseBeneficiaryResultV1,
  type EraseBeneficiaryV1,
  type GeoPoint,
  type GetNeedV1,
  type ListNeedsResultV1,
  type ListNeedsV1,
  type NeedViewV1,
  type RegisterAidNeedV1,
  type RegisterMaterialNeedV1,
  type RegisterNeedResultV1,
  type RegisterNeedV1,
  type WithdrawNeedResultV1,
  type WithdrawNeedV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { actsForCluster } from '../common/actor.js';
import { forbidden, invalidTransition, notFound, Refusal, validation } from '../common/errors.js';
import { parisDay } from '../common/paris-day.js';
import { PersonalDataCipher } from '../privacy/personal-data.cipher.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { ReservationEnds } from '../reservations/reservation-ends.js';
import { ReservationsRepository } from '../reservations/reservations.repository.js';
import { reachesNeed } from './need-access.js';
import { sealingContext } from './sealing.js';
import {
  NeedsRepository,
  type Beneficiary,
  type NeedRow,
  type NeedScope,
} from './needs.repository.js';

type NeedView = z.input<typeof NeedViewV1>;

/** What is sealed of a beneficiary. */
interface PersonSealed {
  name: string;
  contact: { phone?: string; email?: string } | null;
  address: string | null;
}

/** What is sealed of an aid need: health details and the exact place. */
interface NeedSealed {
  health: { notes: string | null; prescriptionRef: string | null } | null;
  reason: string | null;
  position: GeoPoint;
}

const personContext = (ref: string) => sealingContext('beneficiary', ref);
const needContext = (id: string) => sealingContext('need', id);

/** About a kilometre: near enough to measure distances, too coarse to find a door. */
const roundedToKm = (value: number) => Math.round(value * 100) / 100;

/**
 * Needs: a beneficiary's for a medical aid, stated by them or by the social worker acting
 * for them; a member's wanted materials. Personal data is sealed before it is written and
 * opened only for those who may see the need; the events say who by reference alone.
 */
@Injectable()
export class NeedsService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly needs: NeedsRepository,
    private readonly cipher: PersonalDataCipher,
    private readonly proposals: ProposalsService,
    private readonly reservationEnds: ReservationEnds,
    private readonly reservationsRepository: ReservationsRepository,
  ) {}

  /** Once registered, the need is put in line for the goods available that it fits. */
  async register(
    cmd: z.output<typeof RegisterNeedV1>,
  ): Promise<z.input<typeof RegisterNeedResultV1>> {
    const registered =
      cmd.kind === 'medical-aid' ? await this.registerAid(cmd) : await this.registerMaterial(cmd);
    await this.proposals.redrawFor(registered.needId);
    return registered;
  }

  private async registerAid(
    cmd: z.output<typeof RegisterAidNeedV1>,
  ): Promise<z.input<typeof RegisterNeedResultV1>> {
    if (!['beneficiary', 'operator', 'coordinator'].includes(cmd.actor.role))
      throw forbidden(
        `a ${cmd.actor.role} states wanted materials; a medical aid is asked by the beneficiary or who acts for them`,
      );
    if (cmd.beneficiary && cmd.beneficiaryRef)
      throw validation('beneficiaryRef', 'give the person or their reference, not both');
    if (cmd.urgency.neededBy && cmd.urgency.neededBy < parisDay())
      throw validation('urgency.neededBy', 'must be today or later (a Paris day)');
    const id = randomUUID();
    return inTransaction(this.orm, async (em) => {
      const beneficiary = await this.beneficiaryFor(em, cmd);
      const sealed = this.cipher.seal(
        {
          health: cmd.health
            ? {
                notes: cmd.health.notes ?? null,
                prescriptionRef: cmd.health.prescriptionRef ?? null,
              }
            : null,
          reason: cmd.urgency.reason ?? null,
          position: cmd.location.position,
        } satisfies NeedSealed,
        needContext(id),
      );
      // Followed by a social service, the need is that member's to see too.
      const organisationId = beneficiary.organisationId;
      await this.needs.insertNeed(em, {
        id,
        kind: 'medical-aid',
        beneficiary_ref: beneficiary.ref,
        organisation_id: organisationId,
        registered_by: cmd.actor.userId,
        iso_class: cmd.isoClass,
        constraints: cmd.constraints,
        material_family: null,
        quantity: null,
        unit: null,
        min_condition_grade: null,
        urgency: cmd.urgency.level,
        needed_by: cmd.urgency.neededBy ?? null,
        deadline: null,
        search_latitude: roundedToKm(cmd.location.position.latitude),
        search_longitude: roundedToKm(cmd.location.position.longitude),
        locality: cmd.location.locality,
        max_distance_km: cmd.maxDistanceKm,
        sealed: sealed.sealed,
        key_id: sealed.keyId,
      });
      await recordEvent(
        em,
        MatchingNeedRegisteredV1,
        {
          needId: id,
          kind: 'medical-aid',
          beneficiaryRef: beneficiary.ref,
          organisationId,
          isoClass: cmd.isoClass,
          materialFamily: null,
          quantity: null,
          unit: null,
          urgency: cmd.urgency.level,
        },
        { actor: cmd.actor },
      );
      return { needId: id, beneficiaryRef: beneficiary.ref };
    });
  }

  /**
   * Who the need is for. A beneficiary acting for themselves has one record, made the
   * first time; whoever acts for someone names them once and uses their reference after.
   */
  private async beneficiaryFor(
    em: EntityManager,
    cmd: z.output<typeof RegisterAidNeedV1>,
  ): Promise<Beneficiary> {
    const { actor } = cmd;
    if (cmd.beneficiaryRef) {
      const known = await this.needs.beneficiary(em, { ref: cmd.beneficiaryRef });
      if (!known || !this.actsFor(actor, known)) throw notFound('beneficiary', cmd.beneficiaryRef);
      if (known.erasedAt)
        throw invalidTransition(`beneficiary ${known.ref}`, 'erased', 'in need', []);
      return known;
    }
    if (actor.role === 'beneficiary') {
      const own = await this.needs.beneficiary(em, { userId: actor.userId });
      if (own) return own;
    } else if (!cmd.beneficiary) {
      throw validation(
        'beneficiary',
        'name the person the need is for, or give their beneficiaryRef',
      );
    }
    const ref = `ben-${randomBytes(8).toString('hex')}`;
    const person = cmd.beneficiary;
    const sealed = person
      ? this.cipher.seal(
          {
            name: person.name,
            contact: person.contact ?? null,
            address: person.address ?? null,
          } satisfies PersonSealed,
          personContext(ref),
        )
      : null;
    const created: Beneficiary = {
      ref,
      userId: actor.role === 'beneficiary' ? actor.userId : null,
      organisationId: actor.role === 'operator' ? actor.organisationId : null,
      sealed: sealed?.sealed ?? null,
      keyId: sealed?.keyId ?? null,
      erasedAt: null,
    };
    await this.needs.insertBeneficiary(em, { ...created, registeredBy: actor.userId });
    return created;
  }

  private async registerMaterial(
    cmd: z.output<typeof RegisterMaterialNeedV1>,
  ): Promise<z.input<typeof RegisterNeedResultV1>> {
    if (!['operator', 'firm', 'coordinator'].includes(cmd.actor.role))
      throw forbidden('a wanted list is a member’s: a beneficiary asks for a medical aid');
    const organisationId = owningOrganisation(cmd.actor, cmd.organisationId);
    if (new Date(cmd.deadline).getTime() <= Date.now())
      throw validation('deadline', 'must be in the future');
    const id = randomUUID();
    return inTransaction(this.orm, async (em) => {
      await this.needs.insertNeed(em, {
        id,
        kind: 'material',
        beneficiary_ref: null,
        organisation_id: organisationId,
        registered_by: cmd.actor.userId,
        iso_class: null,
        constraints: {},
        material_family: cmd.materialFamily,
        quantity: cmd.quantity,
        unit: cmd.unit,
        min_condition_grade: cmd.minConditionGrade,
        urgency: 'routine',
        needed_by: null,
        deadline: new Date(cmd.deadline).toISOString(),
        search_latitude: cmd.area.position.latitude,
        search_longitude: cmd.area.position.longitude,
        locality: cmd.area.locality,
        max_distance_km: cmd.area.radiusKm,
        sealed: null,
        key_id: null,
      });
      await recordEvent(
        em,
        MatchingNeedRegisteredV1,
        {
          needId: id,
          kind: 'material',
          beneficiaryRef: null,
          organisationId,
          isoClass: null,
          materialFamily: cmd.materialFamily,
          quantity: cmd.quantity,
          unit: cmd.unit,
          urgency: 'routine',
        },
        { actor: cmd.actor },
      );
      return { needId: id, beneficiaryRef: null };
    });
  }

  async get(query: z.output<typeof GetNeedV1>): Promise<NeedView> {
    const need = await this.needs.need(this.orm.em.fork(), query.needId);
    if (!need || !this.reaches(query.actor, need)) throw notFound('need', query.needId);
    return this.view(need);
  }

  async list(query: z.output<typeof ListNeedsV1>): Promise<z.input<typeof ListNeedsResultV1>> {
    const after = query.cursor === undefined ? undefined : seqOf(query.cursor);
    const rows = await this.needs.list(
      this.orm.em.fork(),
      scopeOf(query.actor),
      {
        ...(query.kind && { kind: query.kind }),
        ...(query.status && { status: query.status }),
        ...(query.beneficiaryRef && { beneficiaryRef: query.beneficiaryRef }),
      },
      after,
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    return {
      needs: page.map((row) => this.view(row)),
      nextCursor: rows.length > query.limit ? cursorOf(page[page.length - 1]!.seq) : null,
    };
  }

  async withdraw(
    cmd: z.output<typeof WithdrawNeedV1>,
  ): Promise<z.input<typeof WithdrawNeedResultV1>> {
    const withdrawn = await inTransaction(this.orm, async (em) => {
      const need = await this.needs.need(em, cmd.needId, true);
      if (!need || !this.reaches(cmd.actor, need)) throw notFound('need', cmd.needId);
      if (need.status !== 'open')
        throw invalidTransition(`need ${need.id}`, need.status, 'withdrawn', []);
      await this.needs.close(em, need.id, 'withdrawn');
      await recordEvent(
        em,
        MatchingNeedClosedV1,
        { needId: need.id, reason: 'withdrawn' },
        { actor: cmd.actor },
      );
      // What was reserved for it goes back to inventory, and on to the next in line.
      await this.reservationEnds.endForNeed(em, need.id, cmd.actor);
      return { needId: need.id, status: 'withdrawn' as const };
    });
    // Out of every line it was in.
    await this.proposals.redrawFor(withdrawn.needId);
    return withdrawn;
  }

  /**
   * The right to erasure (GDPR art. 17): the person's sealed data goes, from them and from
   * each of their needs; their open needs close as `erased`. Asked again, it answers when
   * it was done.
   */
  async erase(
    cmd: z.output<typeof EraseBeneficiaryV1>,
  ): Promise<z.input<typeof EraseBeneficiaryResultV1>> {
    const closed: string[] = [];
    const answer = await inTransaction(this.orm, async (em) => {
      const known = await this.needs.beneficiary(em, { ref: cmd.beneficiaryRef }, true);
      if (!known || !this.actsFor(cmd.actor, known))
        throw notFound('beneficiary', cmd.beneficiaryRef);
      if (known.erasedAt)
        return {
          beneficiaryRef: known.ref,
          erasedAt: new Date(known.erasedAt).toISOString(),
          needs: 0,
        };
      const erased = await this.needs.erase(em, known.ref);
      await this.reservationsRepository.forgetNotes(em, erased.ids);
      for (const needId of erased.open) {
        closed.push(needId);
        await this.needs.close(em, needId, 'erased');
        await recordEvent(
          em,
          MatchingNeedClosedV1,
          { needId, reason: 'erased' },
          { actor: cmd.actor },
        );
        await this.reservationEnds.endForNeed(em, needId, cmd.actor);
      }
      return {
        beneficiaryRef: known.ref,
        erasedAt: new Date(erased.at).toISOString(),
        needs: erased.needs,
      };
    });
    for (const needId of closed) await this.proposals.redrawFor(needId);
    return answer;
  }

  /** The beneficiary themselves, the member acting for them, or the coordinator. */
  private actsFor(actor: Actor, beneficiary: Beneficiary): boolean {
    if (actsForCluster(actor)) return true;
    if (actor.role === 'beneficiary') return beneficiary.userId === actor.userId;
    return actor.organisationId !== null && beneficiary.organisationId === actor.organisationId;
  }

  private reaches(actor: Actor, need: NeedRow): boolean {
    return reachesNeed(actor, need);
  }

  private view(row: NeedRow): NeedView {
    const person =
      row.beneficiary_sealed && row.beneficiary_key_id && row.beneficiary_ref
        ? this.cipher.open<PersonSealed>(
            row.beneficiary_sealed,
            row.beneficiary_key_id,
            personContext(row.beneficiary_ref),
          )
        : null;
    const sealed =
      row.sealed && row.key_id
        ? this.cipher.open<NeedSealed>(row.sealed, row.key_id, needContext(row.id))
        : null;
    return {
      needId: row.id,
      kind: row.kind,
      status: row.status,
      beneficiaryRef: row.beneficiary_ref,
      organisationId: row.organisation_id,
      beneficiary: person && {
        name: person.name,
        contact: person.contact,
        address: person.address,
      },
      health: sealed?.health ?? null,
      isoClass: row.iso_class,
      constraints: row.constraints,
      materialFamily: row.material_family,
      quantity: row.quantity === null ? null : String(Number(row.quantity)),
      unit: row.unit as NeedView['unit'],
      minConditionGrade: row.min_condition_grade,
      urgency: row.urgency,
      neededBy: row.needed_by,
      deadline: row.deadline === null ? null : new Date(row.deadline).toISOString(),
      searchPoint: { latitude: row.search_latitude, longitude: row.search_longitude },
      locality: row.locality,
      maxDistanceKm: row.max_distance_km,
      socialPriority: row.social_priority,
      registeredAt: new Date(row.registered_at).toISOString(),
      closedAt: row.closed_at === null ? null : new Date(row.closed_at).toISOString(),
    };
  }
}

/** Whose needs a list covers. */
function scopeOf(actor: Actor): NeedScope {
  if (actsForCluster(actor)) return { organisationId: null, userId: null };
  if (actor.role === 'beneficiary') return { organisationId: null, userId: actor.userId };
  if (!actor.organisationId)
    throw forbidden(`${actor.role} ${actor.userId} belongs to no organisation`);
  return { organisationId: actor.organisationId, userId: null };
}

/**
 * The member a wanted list belongs to: the actor's own, or the one the coordinator names
 * (who must name one). A member naming another is refused as not found.
 */
function owningOrganisation(actor: Actor, requested: string | undefined): string {
  if (actsForCluster(actor)) {
    if (!requested) throw validation('organisationId', 'the coordinator names the member');
    return requested;
  }
  if (!actor.organisationId)
    throw forbidden(`${actor.role} ${actor.userId} belongs to no organisation`);
  if (requested && requested !== actor.organisationId)
    throw new Refusal('not-found', `organisation ${requested} not found`);
  return actor.organisationId;
}

const cursorOf = (seq: string) => Buffer.from(`need:${seq}`).toString('base64url');

function seqOf(cursor: string): string {
  const match = /^need:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw validation('cursor', 'not a cursor this list gave');
  return match[1]!;
}
