import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ASSUME_LANG,
  DEFAULT_MAX_RECORD_BYTES,
  DEFAULT_REPLAY_FORMAT,
  DEFAULT_REPLAY_SPEED,
  DEFAULT_REPLAY_TIMESTAMPS,
  replayConfigSchema,
} from './config.ts';

describe('replay config', () => {
  it('pins the documented defaults', () => {
    expect({
      DEFAULT_REPLAY_SPEED,
      DEFAULT_REPLAY_TIMESTAMPS,
      DEFAULT_REPLAY_FORMAT,
      DEFAULT_ASSUME_LANG,
      DEFAULT_MAX_RECORD_BYTES,
    }).toEqual({
      DEFAULT_REPLAY_SPEED: 'max',
      DEFAULT_REPLAY_TIMESTAMPS: 'original',
      DEFAULT_REPLAY_FORMAT: 'auto',
      DEFAULT_ASSUME_LANG: 'en',
      DEFAULT_MAX_RECORD_BYTES: 1_048_576,
    });
    expect(replayConfigSchema.parse({ file: 'posts.ndjson' })).toEqual({
      enabled: true,
      file: 'posts.ndjson',
      format: 'auto',
      speed: 'max',
      timestamps: 'original',
      assumeLang: 'en',
      maxRecordBytes: 1_048_576,
      progress: true,
    });
  });

  it('needs a file only when enabled', () => {
    expect(replayConfigSchema.safeParse({ enabled: false }).success).toBe(true);
    const r = replayConfigSchema.safeParse({ enabled: true });
    expect(r.error!.issues[0]!.path).toEqual(['file']);
  });

  it.each([
    [{ file: 'a', speed: 0 }, 'speed'],
    [{ file: 'a', speed: 'fast' }, 'speed'],
    [{ file: 'a', timestamps: 'now' }, 'timestamps'],
    [{ file: 'a', format: 'json' }, 'format'],
    [{ file: 'a', assumeLang: 'English' }, 'assumeLang'],
  ])('rejects %j at the key that is wrong', (section, key) => {
    const r = replayConfigSchema.safeParse(section);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path.join('.')).toBe(key);
  });

  it('accepts a speed factor', () => {
    expect(replayConfigSchema.parse({ file: 'a', speed: 10 }).speed).toBe(10);
  });
});
