// Configuration of the `replay` source (config.yaml: sources.replay). Defaults are DEFAULT_ constants
// that config.test.ts pins. Validation checks the shape only; the file is opened at start.
import { z } from 'zod';

export const DEFAULT_REPLAY_SPEED = 'max';
export const DEFAULT_REPLAY_TIMESTAMPS = 'original';
export const DEFAULT_REPLAY_FORMAT = 'auto';
/** Language given to records that carry none (most CSV exports have no language column). */
export const DEFAULT_ASSUME_LANG = 'en';
/** Records longer than this many bytes are skipped without being held in memory. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

export const replayConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** The recorded posts: NDJSON (one JSON object a line) or CSV with a header row. */
    file: z.string().min(1).optional(),
    /** auto: by the file name (.csv is CSV, anything else NDJSON). */
    format: z.enum(['auto', 'ndjson', 'csv']).default(DEFAULT_REPLAY_FORMAT),
    /** 1 = the recorded pace, N = N times faster, "max" = as fast as the pipeline takes them. */
    speed: z.union([z.literal('max'), z.number().gt(0).max(1_000_000)]).default(DEFAULT_REPLAY_SPEED),
    /** original: keep each post's time; shift: move them so the first post lands at the start time. */
    timestamps: z.enum(['original', 'shift']).default(DEFAULT_REPLAY_TIMESTAMPS),
    assumeLang: z
      .string()
      .regex(/^[a-z]{2,3}$/, 'expected a two- or three-letter language code such as "en"')
      .default(DEFAULT_ASSUME_LANG),
    maxRecordBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(DEFAULT_MAX_RECORD_BYTES),
    /** Show a progress bar on stderr (only when stderr is a terminal). */
    progress: z.boolean().default(true),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.enabled && !c.file)
      ctx.addIssue({ code: 'custom', path: ['file'], message: 'expected the path of an NDJSON or CSV file' });
  });

export type ReplayConfig = z.infer<typeof replayConfigSchema>;
