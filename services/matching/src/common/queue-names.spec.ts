import { Reflector } from '@nestjs/core';
import { ON_EVENT_METADATA, type OnEventMetadata } from '@boucle/messaging';
import { CatalogueConsumer } from '../catalogue/catalogue.consumer.js';
import { HoldAnswersConsumer } from '../reservations/reservations.consumer.js';

/*
 * Every name matching keeps in JetStream, written out by hand, so that a rename is a
 * visible, deliberate change: a renamed durable consumer starts again from the stream's
 * first event.
 */

const NEVER_RENAME =
  'Live names never change: consumers already in JetStream still use the old one. ' +
  'Add a new name beside it instead, and list it in queue-names.spec.ts.';

describe('matching consumer names', () => {
  it('should keep the durable consumer names', () => {
    const reflector = new Reflector();
    const prototype = CatalogueConsumer.prototype;
    const consumers = [
      prototype.onSiteRegistered,
      prototype.onStockMoved,
      prototype.onItemAvailable,
      prototype.onLotOffered,
      prototype.onLotWindowAmended,
      HoldAnswersConsumer.prototype.onHoldPlaced,
      HoldAnswersConsumer.prototype.onHoldRejected,
      HoldAnswersConsumer.prototype.onHoldReleased,
      HoldAnswersConsumer.prototype.onHandedOver,
    ].map((handler) => {
      const meta = reflector.get<OnEventMetadata | undefined>(ON_EVENT_METADATA, handler);
      return `${meta?.consumer} reads ${meta?.event.subject}`;
    });

    expect({ consumers, NEVER_RENAME }).toEqual({
      consumers: [
        'matching.catalogue-sites reads inventory.site.registered.v1',
        'matching.catalogue-stock reads inventory.stock.moved.v1',
        'matching.catalogue-items reads inventory.item.available.v1',
        'matching.catalogue-lots reads inventory.lot.offered.v1',
        'matching.catalogue-lot-windows reads inventory.lot.window-amended.v1',
        'matching.hold-placed reads inventory.hold.placed.v1',
        'matching.hold-rejected reads inventory.hold.rejected.v1',
        'matching.hold-released reads inventory.hold.released.v1',
        'matching.hold-handed-over reads inventory.hold.handed-over.v1',
      ],
      NEVER_RENAME,
    });
  });
});
