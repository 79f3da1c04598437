import { describe, expect, it } from 'vitest';
import { defaultGates, defaultStatistics } from '../../src/config/defaults.js';
import { resolveGates, resolveStatistics } from '../../src/config/loadConfig.js';
import { gatesSchema, statisticsSchema } from '../../src/config/schema.js';

describe('config defaults', () => {
  it('are the settings a config file without gates or statistics resolves to', () => {
    expect(defaultGates()).toEqual(resolveGates(gatesSchema.parse({})));
    expect(defaultStatistics()).toEqual(resolveStatistics(statisticsSchema.parse({})));
  });

  it('hand out fresh copies, so that one caller cannot change another caller defaults', () => {
    const gates = defaultGates();
    gates.perClassRecall.maxDrop = 0.5;
    const statistics = defaultStatistics();
    statistics.alpha = 0.5;
    expect(defaultGates().perClassRecall.maxDrop).toBe(0.02);
    expect(defaultStatistics().alpha).toBe(0.05);
  });
});
