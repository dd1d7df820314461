/**
 * The checklists of device models as this workshop last ticked them, kept on the
 * device. The cluster's own (`GET /v1/device-models`) comes first; this memory stands in
 * when it cannot be read (offline) or the model is not registered yet, where the first
 * aid of a model has its steps typed from the manufacturer's instructions.
 */
const STORED = 'boucle.checklists';

function all(): Record<string, string[]> {
  try {
    return JSON.parse(localStorage.getItem(STORED) ?? '{}') as Record<string, string[]>;
  } catch {
    return {};
  }
}

const keyOf = (make: string, model: string) => `${make}\u0000${model}`;

export function rememberedChecklist(make: string, model: string): string[] {
  return all()[keyOf(make, model)] ?? [];
}

export function rememberChecklist(make: string, model: string, steps: string[]): void {
  try {
    localStorage.setItem(STORED, JSON.stringify({ ...all(), [keyOf(make, model)]: steps }));
  } catch {
    // Not kept: the next aid of this model has its steps typed again.
  }
}
