import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MikroORM as CoreMikroORM } from '@mikro-orm/core';
import { MikroORM, openDatabase } from '@boucle/database';
import { inventoryMigrations } from './migrations.js';

class CloseDatabase implements OnApplicationShutdown {
  constructor(@Inject(MikroORM) private readonly orm: MikroORM) {}

  async onApplicationShutdown(): Promise<void> {
    await this.orm.close();
  }
}

/** The inventory database: created if missing and migrated before anything else starts. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: MikroORM,
          useFactory: () =>
            openDatabase({ url, entities: [], migrations: inventoryMigrations, poolSize: 20 }),
        },
        // The messaging runtime finds the ORM under the core class.
        { provide: CoreMikroORM, useExisting: MikroORM },
        CloseDatabase,
      ],
      exports: [MikroORM, CoreMikroORM],
    };
  }
}
