/**
 * What a sealed value is bound to (GCM's additional data): its table and row. A value
 * copied onto another row, or into the other table, does not open.
 */
export const sealingContext = (table: 'beneficiary' | 'need', id: string) => `${table}:${id}`;
