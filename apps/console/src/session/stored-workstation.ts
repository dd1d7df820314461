// Nothing imported: the early requests (app/early.ts) read the workstation before the app's code arrives.
import type { Workstation } from './workstation';

/** Where the device keeps its workstation (localStorage). */
export const WORKSTATION_KEY = 'boucle.workstation';

export const NO_WORKSTATION: Workstation = {
  siteId: '',
  locationId: '',
  certificateId: '',
  staffRef: '',
  instructionsRef: '',
};

/** The workstation kept on the device; what cannot be read is none. */
export function parseWorkstation(raw: string | null): Workstation {
  if (!raw) return NO_WORKSTATION;
  try {
    const kept = JSON.parse(raw) as unknown;
    if (!kept || typeof kept !== 'object' || Array.isArray(kept)) return NO_WORKSTATION;
    const fields = Object.fromEntries(
      Object.entries(kept).filter(
        ([name, value]) => name in NO_WORKSTATION && typeof value === 'string',
      ),
    );
    return { ...NO_WORKSTATION, ...fields };
  } catch {
    return NO_WORKSTATION;
  }
}
