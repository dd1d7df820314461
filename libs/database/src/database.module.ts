import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase, type DatabaseOptions } from './database.js';

class CloseDatabase implements OnApplicationShutdown {
  constructor(@Inject(MikroORM) private readonly orm: MikroORM) {}

  async onApplicationShutdown(): Promise<void> {
    await this.orm.close();
  }
}

/**
 * The service's own database, provided as `MikroORM`: created if missing and migrated
 * before anything else starts, closed last at shutdown.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: MikroORM, useFactory: () => openDatabase(options) }, CloseDatabase],
      exports: [MikroORM],
    };
  }
}
