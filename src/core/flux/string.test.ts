import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fluxString } from './string.ts';

/** Reads a Flux string literal back as Flux's scanner does for the escapes fluxString emits. */
function unquote(lit: string): string {
  expect(lit.startsWith('"') && lit.endsWith('"')).toBe(true);
  const body = lit.slice(1, -1);
  const back: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"') throw new Error(`unescaped quote at ${i}`);
    if (c === '$' && body[i + 1] === '{') throw new Error(`interpolation at ${i}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] as string;
    if (e === '$' && body[i + 1] === '{') {
      out += '$';
      continue;
    }
    if (!(e in back)) throw new Error(`unknown escape \\${e}`);
    out += back[e];
  }
  return out;
}

describe('fluxString', () => {
  it('escapes backslash, double quote, ${ and control whitespace, and leaves a lone $ alone', () => {
    expect(fluxString('a"b')).toBe('"a\\"b"');
    expect(fluxString('a\\b')).toBe('"a\\\\b"');
    expect(fluxString('x${y}')).toBe('"x\\${y}"');
    expect(fluxString('$BTC')).toBe('"$BTC"');
    expect(fluxString('a\nb\tc\r')).toBe('"a\\nb\\tc\\r"');
    expect(fluxString('bitcoin')).toBe('"bitcoin"');
  });

  it('round-trips any string and never opens an interpolation or ends early (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(unquote(fluxString(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});
