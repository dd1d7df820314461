import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { TonnageReportV1 } from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import { assertRole, memberScope } from '../common/actor.js';
import { validation } from '../common/errors.js';

/**
 * The figures the cluster reports, derived from the ledger: tonnes in by flow
 * and collection mode, tonnes out by destination, reuse kept apart from
 * recycling. A movement's weight is its share of the good's weighed weight.
 */
@Injectable()
export class ReportsService {
  constructor(@Inject(MikroORM) private readonly orm: MikroORM) {}

  async tonnage(query: z.output<typeof TonnageReportV1>) {
    assertRole(query.actor, ['operator', 'coordinator'], 'the tonnage report');
    if (new Date(query.to) <= new Date(query.from)) throw validation('to', 'must be after from');
    // The coordinator sees the whole cluster; a member sees its own sites.
    const organisationId = memberScope(query.actor);
    const em = this.orm.em.fork();
    const intake = await em.execute<{ collection_mode: string; kind: string; kg: string }[]>(
      `SELECT i.collection_mode, g.kind, sum(coalesce(g.weight_kg, 0))::text AS kg
         FROM intake i JOIN good g ON g.intake_id = i.id
        WHERE i.received_at >= ? AND i.received_at < ? AND (?::text IS NULL OR g.organisation_id::text = ?)
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [query.from, query.to, organisationId, organisationId],
    );
    const out = await em.execute<{ destination: string; kind: string; kg: string }[]>(
      `WITH first AS (
         SELECT DISTINCT ON (good_id) good_id, quantity AS initial
           FROM stock_movement WHERE from_state IS NULL ORDER BY good_id, id)
       SELECT CASE
                WHEN m.to_state IN ('handed-over', 'delivered') THEN 'reuse'
                WHEN m.to_state = 'transformed' THEN 'recycling'
                WHEN m.to_state = 'diverted' THEN coalesce(
                  (SELECT d.route FROM diversion d WHERE d.good_id = m.good_id ORDER BY d.id DESC LIMIT 1), 'recycling')
                ELSE 'disposal'
              END AS destination,
              g.kind,
              sum(coalesce(g.weight_kg, 0) * m.quantity / f.initial)::numeric(14, 3)::text AS kg
         FROM stock_movement m
         JOIN good g ON g.id = m.good_id
         JOIN first f ON f.good_id = m.good_id
        WHERE m.to_state IN ('handed-over', 'delivered', 'transformed', 'diverted', 'scrapped', 'broken')
          AND m.occurred_at >= ? AND m.occurred_at < ?
          -- A tonne is counted once, when it leaves as what came in: bales and parts made by a
          -- transformation were already counted when their inputs were transformed or scrapped.
          AND (g.intake_id IS NOT NULL OR g.available_from IS NOT NULL)
          AND (?::text IS NULL OR g.organisation_id::text = ?)
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [query.from, query.to, organisationId, organisationId],
    );
    const tonnes = (kg: string) => Math.round(Number(kg)) / 1000;
    return {
      from: query.from,
      to: query.to,
      scope: organisationId ?? 'cluster',
      in: intake.map((r) => ({ collectionMode: r.collection_mode, kind: r.kind, tonnes: tonnes(r.kg) })),
      out: out.map((r) => ({ destination: r.destination, kind: r.kind, tonnes: tonnes(r.kg) })),
    };
  }
}
