// Matching's admin commands, on the service's own configuration (its environment):
//   nx run matching:admin -- rebuild-catalogue      the catalogue again from inventory's stream
//   nx run matching:admin -- reseal-personal-data   personal data under the current key (after a rotation)
//
// Each runs once and exits: 0 when done, 1 on failure, 2 for a bad command, 78 for a bad
// configuration.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@boucle/config';
import { AdminModule } from './admin.module.js';
import { CatalogueRebuild } from './catalogue/catalogue.rebuild.js';
import { loadMatchingConfig, type MatchingConfig } from './config/matching.config.js';
import { ResealService } from './needs/reseal.service.js';

const USAGE = 'usage: nx run matching:admin -- rebuild-catalogue | reseal-personal-data';

const COMMANDS = ['rebuild-catalogue', 'reseal-personal-data'] as const;
type Command = (typeof COMMANDS)[number];

const isCommand = (value: string | undefined): value is Command =>
  COMMANDS.includes(value as Command);

async function main(): Promise<number> {
  const command = process.argv[2];
  if (!isCommand(command)) {
    console.error(USAGE);
    return 2;
  }
  let config: MatchingConfig;
  try {
    config = loadMatchingConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 78;
  }
  const app = await NestFactory.createApplicationContext(AdminModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  try {
    switch (command) {
      case 'rebuild-catalogue': {
        const outcome = await app.get(CatalogueRebuild).rebuild();
        console.log(
          outcome.lastSequence === 0
            ? 'catalogue rebuilt: the stream holds no event yet'
            : `catalogue rebuilt from events ${outcome.firstSequence} to ${outcome.lastSequence}: ` +
                `${outcome.applied} applied, ${outcome.skipped} skipped as invalid`,
        );
        if (outcome.firstSequence > 1)
          console.warn(
            'the stream no longer holds its first events: what only they told is missing',
          );
        return 0;
      }
      case 'reseal-personal-data': {
        const counts = await app.get(ResealService).resealAll();
        console.log(
          `re-sealed ${counts.beneficiaries} beneficiaries and ${counts.needs} needs under key ${config.PERSONAL_DATA_KEYS[0]!.id}`,
        );
        return 0;
      }
    }
  } finally {
    await app.close();
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  return 1;
});
