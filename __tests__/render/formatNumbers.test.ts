import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatChange,
  formatChangeInterval,
  formatCount,
  formatPValue,
  formatRateInterval,
  formatMetric,
  formatRate,
} from '../../src/render/formatNumbers.js';

describe('number formatting', () => {
  it('shows rates as percentages with one decimal and undefined as a dash', () => {
    expect(formatRate(51 / 54)).toBe('94.4%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(null)).toBe('—');
  });

  it('shows correlations with three decimals and a true minus sign', () => {
    expect(formatMetric(-0.12345, 'correlation')).toBe('−0.123');
    expect(formatMetric(0.9, 'correlation')).toBe('0.900');
  });

  it("marks a change worse or better for the model, whatever the figure's direction, with plain signs for terminals", () => {
    // Higher is better (recall, accuracy, MCC): a drop is worse.
    expect(formatChange(-21 / 54, 'rate')).toBe('❗ −38.89 pp');
    expect(formatChange(0.0123, 'rate')).toBe('✓ +1.23 pp');
    expect(formatChange(0.012, 'correlation')).toBe('✓ +0.012');
    // Lower is better (ECE, Brier, cost): a drop is better, a rise worse (issue 9, item 8).
    expect(formatChange(-0.0123, 'rate', 'lower')).toBe('✓ −1.23 pp');
    expect(formatChange(0.0339, 'correlation', 'lower', 4)).toBe('❗ +0.0339');
    expect(formatChange(-21 / 54, 'rate', false)).toBe('-38.89 pp');
    expect(formatChange(null, 'rate')).toBe('—');
  });

  it('never shows a real change as zero, and no change with the decimals of its column', () => {
    expect(formatChange(-0.00001, 'rate')).toBe('❗ −<0.01 pp');
    // "0.00 pp" beside "−1.85 pp", not "0 pp" (issue 9, item 8).
    expect(formatChange(0, 'rate')).toBe('0.00 pp');
    expect(formatChange(51 / 54 - (1 - 3 / 54), 'rate')).toBe('0.00 pp');
    expect(formatChange(0, 'correlation')).toBe('0.000');
    expect(formatChange(0, 'rate', false)).toBe('0.00 pp');
  });

  it('formats sizes and counts', () => {
    expect(formatBytes(187_392)).toBe('183.0 KiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(formatCount(10_000)).toBe('10,000');
    expect(formatCount(999)).toBe('999');
  });

  it('shows anything that is not a finite number as a dash, never as raw text', () => {
    const hostile = '<img src=x onerror=alert(1)>' as unknown as number;
    for (const value of [hostile, Number.NaN, Number.POSITIVE_INFINITY, undefined as unknown as number]) {
      expect(formatBytes(value)).toBe('—');
      expect(formatCount(value)).toBe('—');
      expect(formatRate(value)).toBe('—');
      expect(formatMetric(value, 'correlation')).toBe('—');
      expect(formatChange(value, 'rate')).toBe('—');
    }
    expect(formatCount('12345' as unknown as number)).toBe('—');
  });

  it('groups only the integer part of a count', () => {
    expect(formatCount(1234.5678)).toBe('1,234.5678');
    expect(formatCount(-1234567)).toBe('-1,234,567');
  });

  it('shows intervals with true minus signs, and enough decimals for a narrow one', () => {
    expect(formatRateInterval({ low: 0.8491, high: 0.9812 })).toBe('84.9–98.1%');
    expect(formatChangeInterval({ low: -0.297, high: -0.064 })).toBe('−29.7 to −6.4 pp');
    expect(formatChangeInterval({ low: -0.00021, high: 0.00002 })).toBe('−0.021 to 0.002 pp');
    expect(formatChangeInterval({ low: -0.0004, high: 0.0004 }, 'plain')).toBe('−0.00040 to 0.00040');
    expect(formatChangeInterval({ low: -0.0001, high: 0.5 })).toBe('0.0 to 50.0 pp');
    expect(formatRateInterval(null)).toBe('—');
    expect(formatChangeInterval({ low: Number.NaN, high: 1 })).toBe('—');
  });

  it('shows p-values with three decimals and tiny ones as below 0.001', () => {
    expect(formatPValue(0.0390625)).toBe('0.039');
    expect(formatPValue(1)).toBe('1.000');
    expect(formatPValue(0.0004)).toBe('<0.001');
    expect(formatPValue(null)).toBe('—');
    expect(formatPValue('<b>' as unknown as number)).toBe('—');
  });
});
