/**
 * Where a member's pickups are taken: a site and location of the member that receives the
 * load (the washing centre for glass, a reuse village for a lot). A shop or a firm sees
 * only its own sites, so the coordination gives these two identifiers; the device keeps
 * them for the next request.
 */
const STORED = 'boucle.pickup-destination';

export interface Destination {
  siteId: string;
  locationId: string;
}

export function storedDestination(): Destination {
  try {
    const value = JSON.parse(localStorage.getItem(STORED) ?? '{}') as Partial<Destination>;
    return {
      siteId: typeof value.siteId === 'string' ? value.siteId : '',
      locationId: typeof value.locationId === 'string' ? value.locationId : '',
    };
  } catch {
    return { siteId: '', locationId: '' };
  }
}

export function storeDestination(destination: Destination): void {
  try {
    localStorage.setItem(STORED, JSON.stringify(destination));
  } catch {
    // A private window may refuse storage: it is asked again next time.
  }
}
