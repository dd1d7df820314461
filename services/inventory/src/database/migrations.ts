import type { NamedMigration } from '@boucle/database';
import { messagingMigrations } from '@boucle/messaging';
import { InventoryInitial } from './initial.migration.js';
import { InventoryLotsTransformations } from './lots-transformations.migration.js';

/** Applied in this order at start; never rename one that has run anywhere. */
export const inventoryMigrations: readonly NamedMigration[] = [
  ...messagingMigrations,
  { name: 'Inventory20261123000000Initial', class: InventoryInitial },
  { name: 'Inventory20261123010000LotsTransformations', class: InventoryLotsTransformations },
];
