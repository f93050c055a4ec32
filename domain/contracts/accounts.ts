/** Web sign-in accounts: setting a person's password. */
import { z } from 'zod';

/** A password as people choose it: long rather than clever; any characters (it is only hashed). */
export const passwordBody = z.strictObject({
  password: z
    .string({ message: 'must be text' })
    .min(10, 'at least 10 characters')
    .max(1000, 'at most 1000 characters'),
});
