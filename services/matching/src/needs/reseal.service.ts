import { Inject, Injectable, Logger } from '@nestjs/common';
import { MikroORM } from '@boucle/database';
import { PersonalDataCipher } from '../privacy/personal-data.cipher.js';
import { NeedsRepository } from './needs.repository.js';
import { sealingContext } from './sealing.js';

/** Rows re-sealed per transaction. */
const BATCH = 200;

/**
 * After a key rotation: every sealed value still under an older key is opened and sealed
 * again under the current one, a batch per transaction, rows locked and skipped by another
 * re-seal running beside it. Once it reports nothing left, the old key can be dropped from
 * PERSONAL_DATA_KEYS (README, Keys).
 */
@Injectable()
export class ResealService {
  private readonly logger = new Logger(ResealService.name);

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly needs: NeedsRepository,
    private readonly cipher: PersonalDataCipher,
  ) {}

  async resealAll(): Promise<{ beneficiaries: number; needs: number }> {
    const counts = { beneficiaries: 0, needs: 0 };
    for (const table of ['beneficiary', 'need'] as const) {
      for (;;) {
        const done = await this.orm.em.fork().transactional(async (em) => {
          const rows = await this.needs.sealedWithOther(em, table, this.cipher.currentKeyId, BATCH);
          for (const row of rows) {
            const context = sealingContext(table, row.id);
            const value = this.cipher.open<unknown>(row.sealed, row.keyId, context);
            const resealed = this.cipher.seal(value, context);
            await this.needs.reseal(em, table, row.id, resealed.sealed, resealed.keyId);
          }
          return rows.length;
        });
        if (table === 'beneficiary') counts.beneficiaries += done;
        else counts.needs += done;
        if (done < BATCH) break;
      }
    }
    this.logger.log(
      `re-sealed ${counts.beneficiaries} beneficiaries and ${counts.needs} needs under key ${this.cipher.currentKeyId}`,
    );
    return counts;
  }
}
