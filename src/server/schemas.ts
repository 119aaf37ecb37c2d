/** Request and response schemas the API routes share. */
import { z } from 'zod';

/** Every error answer: `{ error, message }`. */
export const errorBody = z.object({ error: z.string(), message: z.string() });
/** `/…/:jurisdiction/:year` path parameters. */
export const yearParams = z.object({ jurisdiction: z.string().min(1), year: z.coerce.number().int().min(1900).max(2200) });
/** A result row or object passed through as JSON. */
export const row = z.record(z.string(), z.unknown());
