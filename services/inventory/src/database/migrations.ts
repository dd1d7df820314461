import type { NamedMigration } from '@boucle/database';
import { messagingMigrations } from '@boucle/messaging';
import { InventoryInitial } from './initial.migration.js';
import { InventoryLotsTransformations } from './lots-transformations.migration.js';
import { InventoryLotWindowsReasons } from './lot-windows-reasons.migration.js';
import { InventoryDeviceModelVersions } from './device-model-versions.migration.js';
import { InventoryMedicalAidRules } from './medical-aid-rules.migration.js';
import { InventoryQuarantineRecall } from './quarantine-recall.migration.js';
import { InventoryTonnageAccounting } from './tonnage-accounting.migration.js';
import { InventoryCorrectionsTransfers } from './corrections-transfers.migration.js';
import { InventoryPositionsRevisions } from './positions-revisions.migration.js';
import { InventoryReservationHolds } from './reservation-holds.migration.js';

/** Applied in this order at start; never rename one that has run anywhere. */
export const inventoryMigrations: readonly NamedMigration[] = [
  ...messagingMigrations,
  { name: 'Inventory20261123000000Initial', class: InventoryInitial },
  { name: 'Inventory20261123010000LotsTransformations', class: InventoryLotsTransformations },
  { name: 'Inventory20261201010000MedicalAidRules', class: InventoryMedicalAidRules },
  { name: 'Inventory20261201020000DeviceModelVersions', class: InventoryDeviceModelVersions },
  { name: 'Inventory20261201030000QuarantineRecall', class: InventoryQuarantineRecall },
  { name: 'Inventory20261201040000TonnageAccounting', class: InventoryTonnageAccounting },
  { name: 'Inventory20261201050000CorrectionsTransfers', class: InventoryCorrectionsTransfers },
  { name: 'Inventory20261201060000LotWindowsReasons', class: InventoryLotWindowsReasons },
  { name: 'Inventory20261201070000PositionsRevisions', class: InventoryPositionsRevisions },
  { name: 'Inventory20261202000000ReservationHolds', class: InventoryReservationHolds },
];
