/**
 * Settings used when no evalgate.yml is given (e.g. `evalgate compare` without --config): the
 * schema's own defaults, resolved as a config file without those sections would be.
 */
import type { GatesConfig, StatisticsConfig } from '../compare/types.js';
import { resolveGates, resolveStatistics } from './loadConfig.js';
import { gatesSchema, statisticsSchema } from './schema.js';

export function defaultGates(): GatesConfig {
  return resolveGates(gatesSchema.parse({}));
}

export function defaultStatistics(): StatisticsConfig {
  return resolveStatistics(statisticsSchema.parse({}));
}
