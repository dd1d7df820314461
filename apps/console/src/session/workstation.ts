import { useSyncExternalStore } from 'react';
import { NO_WORKSTATION, parseWorkstation, WORKSTATION_KEY } from './stored-workstation';

/**
 * Where this device is used: the counter's site and location, the workshop's centre
 * certificate and the staff reference of who disinfects. Kept on the device (a counter
 * tablet stays at its counter), given once on the workstation page.
 * The site, location and certificate are picked from the member's own, as the gateway
 * lists them; their ids are kept.
 */
export interface Workstation {
  siteId: string;
  locationId: string;
  certificateId: string;
  staffRef: string;
  instructionsRef: string;
}

const STORED = WORKSTATION_KEY;

let current: Workstation = load();
const listeners = new Set<() => void>();

function load(): Workstation {
  try {
    return parseWorkstation(localStorage.getItem(STORED));
  } catch {
    return NO_WORKSTATION;
  }
}

export const workstationStore = {
  get: () => current,
  set: (next: Partial<Workstation>) => {
    current = { ...current, ...next };
    try {
      localStorage.setItem(STORED, JSON.stringify(current));
    } catch {
      // Kept for this page only.
    }
    for (const listener of listeners) listener();
  },
  subscribe: (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useWorkstation(): Workstation {
  return useSyncExternalStore(workstationStore.subscribe, workstationStore.get);
}
