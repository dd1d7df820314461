import { z } from 'zod';

export const Id = z.uuid();
export const Kilograms = z.number().nonnegative().max(1_000_000);
export const Timestamp = z.iso.datetime({ offset: false });
