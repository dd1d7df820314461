import type { NamedMigration } from '@boucle/database';
import { messagingMigrations } from '@boucle/messaging';
import { CollectionInitial } from './initial.migration.js';

/** Applied in this order at start; never rename one that has run anywhere. */
export const collectionMigrations: readonly NamedMigration[] = [
  ...messagingMigrations,
  { name: 'Collection20261202000000Initial', class: CollectionInitial },
];
