import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { TonnageReportV1 } from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import { assertRole, memberScope } from '../common/actor.js';
import { validation } from '../common/errors.js';
import { ReportsRepository } from './reports.repository.js';

/**
 * The figures the cluster reports, derived from the ledger: tonnes in by flow
 * and collection mode, tonnes out by destination, reuse kept apart from
 * recycling. A movement's weight is its share of the good's weighed weight.
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
    const em = this.orm.em.fork();
    const period = { from: query.from, to: query.to, organisationId };
    const intake = await this.reportsRepository.intakeTonnage(em, period);
    const out = await this.reportsRepository.outTonnage(em, period);
    const tonnes = (kg: string) => Math.round(Number(kg)) / 1000;
    return {
      from: query.from,
      to: query.to,
      scope: organisationId ?? 'cluster',
      in: intake.map(({ kg, ...r }) => ({ ...r, tonnes: tonnes(kg) })),
      out: out.map(({ kg, ...r }) => ({ ...r, tonnes: tonnes(kg) })),
    };
  }
}
