// The `simulate` source: seeded synthetic posts and prices with planted truths (see README.md).
import type { SourceDefinition } from '../../source.ts';
import { simulateConfigSchema, type SimulateConfig } from './config.ts';
import { SimulateSource } from './source.ts';

export const simulateSource: SourceDefinition<SimulateConfig> = {
  name: 'simulate',
  kind: 'social',
  description:
    'Seeded synthetic posts per topic and prices per coin with planted truths: volume leads price by a known lag and correlation, daily seasonality, sentiment shifts and anomalies at known times.',
  configSchema: simulateConfigSchema,
  create: (ctx, config) => new SimulateSource(ctx, config),
};

export { SimulateSource, priceLine } from './source.ts';
export { SimModel } from './model.ts';
export type { PlantedAnomaly, SimulationSpec } from './model.ts';
export { plantedTruth, simulationSpec, truthOf, writeTruthFile } from './truth.ts';
export type { PlantedCoinTruth, PlantedTruth } from './truth.ts';
export { simulateConfigSchema } from './config.ts';
export type { SimulateConfig } from './config.ts';
export { plantedEmergingTerms, emergingTermsOf, EMERGING_MINUTES } from './emerging.ts';
export type { PlantedEmergingTerm } from './emerging.ts';
