// Whole numbers from text: decimal digits only, so "0x10", "1e2", "+5" and " 5" are refused, never reinterpreted.
import { z } from 'zod';

/** Text of decimal digits, kept as text: for a value another layer turns into a number. */
export const decimalDigits = z.string().regex(/^[0-9]{1,15}$/, 'must be a whole number in decimal digits');

/** A whole number from `min` to `max`, written in decimal digits. */
export function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}, in decimal digits`;
  return z
    .string()
    .regex(/^[0-9]{1,15}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message))
    .meta({ description: `A whole number from ${min} to ${max}, in decimal digits.` });
}
