// Symbol mapping at the edge: inside the project a pair is "BTC/USD" (symbol + quote), Coinbase calls
// it the product "BTC-USD". Nothing else in the code sees Coinbase's ids.

export interface Pair {
  symbol: string;
  quote: string;
}

const UNIFIED = /^([A-Z0-9]{2,10})\/([A-Z0-9]{2,10})$/;
const PRODUCT = /^([A-Z0-9]{2,10})-([A-Z0-9]{2,10})$/;

export function parseUnified(s: string): Pair | undefined {
  const m = UNIFIED.exec(s);
  return m ? { symbol: m[1]!, quote: m[2]! } : undefined;
}

export function toProductId(p: Pair): string {
  return `${p.symbol}-${p.quote}`;
}

export function fromProductId(id: string): Pair | undefined {
  const m = PRODUCT.exec(id);
  return m ? { symbol: m[1]!, quote: m[2]! } : undefined;
}
