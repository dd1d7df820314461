import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { TonnageReportV1 } from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import { assertRole, memberScope } from '../common/actor.js';
import { validation } from '../common/errors.js';
import { ReportsRepository, type AccountingRules } from './reports.repository.js';

/**
 * The member's stock is every kilogram of its goods in any state but these: a good handed over
 * or delivered, diverted, transformed, scrapped, broken or lost has left it (by the command that
 * recorded where it went). A quarantined aid, a lot still offered on its site, an intake's
 * unsorted mass are still held.
 */
export const LEFT_STOCK: readonly string[] = [
  'handed-over',
  'delivered',
  'diverted',
  'transformed',
  'scrapped',
  'broken',
  // Lost stock is out as a correction until it is found again.
  'lost',
];

const RULES: AccountingRules = {
  leftStock: LEFT_STOCK,
  // Washing batches count containers, not kilograms: their breakage goes out as it is.
  massBalanced: ['cardboard-to-litter', 'dismantle'],
};

/**
 * The figures the cluster reports, derived from intakes and the ledger: tonnes in by
 * collection mode and kind, tonnes out by destination and kind, reuse kept apart from
 * recycling, and the member's stock at both ends of the period. For every member (or the
 * cluster) and every period [from, to):
 *
 *   in = stock at `to` - stock at `from` + out
 *
 * where stock at t is the mass its goods held (see RULES) carried just before t, and:
 * - in is weighed mass: an intake's net at its `received_at` (its goods' shares of the net,
 *   and what no good accounts for as kind `unsorted`), a lot offered from a construction site
 *   when offered (mode `construction-site`, its declared weight), an aid back from its
 *   beneficiary (mode `return`);
 * - out is each movement out of stock, weighed as its quantity's share of the good's mass,
 *   under the destination its command recorded: `reuse` on hand-over or delivery
 *   (`recycling` for litter bales), a diversion's or scrapping's route, `disposal` where none
 *   was recorded (a washing batch's breakage, an aid scrapped at triage);
 * - a transformation with a mass balance (cardboard to litter, a dismantled donor) takes its
 *   inputs' mass out and puts it back as its outputs, which are counted where they end; what
 *   it consumed less what it produced goes out as `loss`.
 * The rows are rounded to the kilogram; the totals (`inTonnes`, `outTonnes`,
 * `stockStartTonnes`, `stockEndTonnes`) are to the gram, so the identity checks exactly.
 */
@Injectable()
export class ReportsService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly reportsRepository: ReportsRepository,
  ) {}

  async tonnage(query: z.output<typeof TonnageReportV1>) {
    // A construction firm reads its own sites' figures for its demolition waste record.
    assertRole(query.actor, ['operator', 'firm', 'coordinator'], 'the tonnage report');
    if (new Date(query.to) <= new Date(query.from)) throw validation('to', 'must be after from');
    // The coordinator sees the whole cluster; a member sees its own sites.
    const organisationId = memberScope(query.actor);
    const period = { from: query.from, to: query.to, organisationId };
    const tonnage = await this.reportsRepository.tonnage(this.orm.em.fork(), period, RULES);
    const rows = <T extends { kg: string }>(list: T[]) =>
      list
        .filter((r) => grams(r.kg) !== 0)
        .map(({ kg, ...r }) => ({ ...r, tonnes: Math.round(Number(kg)) / 1000 }));
    const total = (list: { kg: string }[]) => list.reduce((sum, r) => sum + grams(r.kg), 0);
    return {
      from: query.from,
      to: query.to,
      scope: organisationId ?? 'cluster',
      in: rows(tonnage.in),
      out: rows(tonnage.out),
      inTonnes: total(tonnage.in) / 1e6,
      outTonnes: total(tonnage.out) / 1e6,
      stockStartTonnes: grams(tonnage.stockStartKg) / 1e6,
      stockEndTonnes: grams(tonnage.stockEndKg) / 1e6,
    };
  }
}

const grams = (kg: string) => Math.round(Number(kg) * 1000);
