// `sources.coinbase` in config.yaml. Every option carries its unit in the name and a DEFAULT_ constant
// that config.test.ts pins. Validation never connects anywhere.
import { z } from 'zod';
import { DEFAULT_MAX_PRICE } from '../price.ts';
import { parseUnified } from './symbols.ts';

export const DEFAULT_URL = 'wss://ws-feed.exchange.coinbase.com';
export const DEFAULT_PRODUCTS = ['BTC/USD', 'ETH/USD'];
/** Coinbase sends a heartbeat per product every second; 30 s of silence means the link is dead. */
export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 30;
/**
 * Exchanges close long-lived connections (Binance at 24 h; Coinbase without notice during
 * maintenance and load balancing). Reconnecting on our own schedule, with the new connection opened
 * before the old one is closed, turns that drop into a seamless hand-over.
 */
export const DEFAULT_MAX_CONNECTION_LIFETIME_SECONDS = 6 * 3600;
export const DEFAULT_INITIAL_BACKOFF_MS = 1000;
export const DEFAULT_MAX_BACKOFF_MS = 60_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

export const coinbaseConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    url: z
      .string()
      .regex(/^wss?:\/\/\S+$/, 'expected a WebSocket URL such as "wss://ws-feed.exchange.coinbase.com"')
      .default(DEFAULT_URL),
    /** Pairs in the project's notation, "BTC/USD"; mapped to Coinbase products ("BTC-USD") at the edge. */
    products: z
      .array(
        z
          .string()
          .refine((s) => parseUnified(s) !== undefined, { message: 'expected a pair such as "BTC/USD"' }),
      )
      .min(1)
      .default(DEFAULT_PRODUCTS),
    heartbeatTimeoutSeconds: z.number().int().min(2).max(600).default(DEFAULT_HEARTBEAT_TIMEOUT_SECONDS),
    maxConnectionLifetimeSeconds: z
      .number()
      .min(1)
      .max(7 * 86_400)
      .default(DEFAULT_MAX_CONNECTION_LIFETIME_SECONDS),
    initialBackoffMs: z.number().int().min(10).default(DEFAULT_INITIAL_BACKOFF_MS),
    maxBackoffMs: z.number().int().min(100).default(DEFAULT_MAX_BACKOFF_MS),
    handshakeTimeoutMs: z.number().int().min(100).default(DEFAULT_HANDSHAKE_TIMEOUT_MS),
    maxPrice: z.number().positive().default(DEFAULT_MAX_PRICE),
  })
  .strict();

export type CoinbaseConfig = z.infer<typeof coinbaseConfigSchema>;
