// The two result tables of `npm run bench:verdicts`, as markdown.
import { markdownTable } from 'markdown-table';
import { minimumDetectableDrop } from '../../../lib/stats/power.js';
import { wilsonInterval } from '../../../lib/stats/proportionIntervals.js';
import { DROP_LEVELS } from './runCell.mjs';
import { ALPHA, CLASS_SIZES, CLASSES, SCENARIOS, TOLERANCE } from './scenarios.mjs';

/** A share in percent with one decimal; exactly 0 and 100 without. */
function percent(share) {
  const value = 100 * share;
  return `${value === 0 || value === 100 ? value : value.toFixed(1)}%`;
}

/** "4.1% (3.3–5.1)": the share of `k` in `n` and its 95% Wilson interval (the Monte Carlo error). */
export function shareWithInterval(k, n) {
  const interval = wilsonInterval(k, n, 0.95);
  return `${percent(k / n)} (${percent(interval.low).replace('%', '')}–${percent(interval.high)})`;
}

function share(k, n) {
  return percent(k / n);
}

const sizeLabel = (n) => n.toLocaleString('en-US');

/** Whether on-unproven: fail and the point-estimate gate blocked exactly the same class results. */
function strictIsPoint(results) {
  return results.flat().every((c) => c.strictPointDisagreements === 0);
}

/**
 * Table (a): no real change. Run level: the share of simulated retrains whose verdict fails (any of
 * the CLASSES classes), because that is what a team sees on its pull request.
 * `results[s][i]` = counts of scenario s and class size i.
 */
function noChangeTable(results) {
  const merged = strictIsPoint(results);
  const header = [
    'baseline recall, churn',
    'samples per class',
    'evalgate blocks',
    'evalgate passes with a warning',
    ...(merged
      ? ['point-estimate gate blocks (= evalgate with on-unproven: fail)']
      : ['evalgate with on-unproven: fail blocks', 'point-estimate gate blocks']),
  ];
  const rows = [header];
  SCENARIOS.forEach((scenario, s) => {
    CLASS_SIZES.forEach((n, i) => {
      const t = results[s][i].tallies[0];
      rows.push([
        i === 0 ? scenario.label : '',
        sizeLabel(n),
        shareWithInterval(t.evalgate.runBlocked, t.evalgate.runs),
        share(t.evalgate.runWarnedOnly, t.evalgate.runs),
        ...(merged ? [] : [share(t.strict.runBlocked, t.strict.runs)]),
        shareWithInterval(t.point.runBlocked, t.point.runs),
      ]);
    });
  });
  return markdownTable(rows, { align: header.map((_, i) => (i === 0 ? 'l' : 'r')) });
}

/**
 * The smallest drop the studied class's test detects with 80% power at α/10 (Holm's first step),
 * for the scenario's true recall and churn: the figure evalgate's power note quotes
 * (src/compare/recallPower.ts), from the same function.
 */
function detectableDrop(scenario, n) {
  const drop = minimumDetectableDrop({
    n,
    baselineRate: scenario.recall,
    alpha: ALPHA / CLASSES,
    power: 0.8,
    design: 'paired',
    // src/stats counts churn one way (the share the candidate fixes); here it is both ways.
    churn: scenario.churn / 2,
  });
  return drop === null ? 'none' : `${(100 * drop).toFixed(1)} points`;
}

/**
 * Table (b): a real drop on one class. Class level: the share of runs in which the gate fails
 * the check on the class that dropped (warnings and failures on the unchanged classes are not
 * counted as catches).
 */
function dropTable(results) {
  const merged = strictIsPoint(results);
  const rows = [
    ['baseline recall, churn', 'real drop', 'gate', ...CLASS_SIZES.map((n) => `${sizeLabel(n)} / class`)],
  ];
  SCENARIOS.forEach((scenario, s) => {
    rows.push([
      scenario.label,
      '',
      'drop detectable with 80% power (power note)',
      ...CLASS_SIZES.map((n) => detectableDrop(scenario, n)),
    ]);
    DROP_LEVELS.forEach((drop, k) => {
      if (drop === 0) return;
      const cells = (pick) =>
        CLASS_SIZES.map((_, i) => {
          const t = results[s][i].tallies[k];
          return share(pick(t), t.evalgate.runs);
        });
      const points = `${Math.round(drop * 100)} points`;
      rows.push(['', points, 'evalgate blocks', ...cells((t) => t.evalgate.studiedBlocked)]);
      if (!merged) {
        rows.push([
          '',
          '',
          'evalgate with on-unproven: fail blocks',
          ...cells((t) => t.strict.studiedBlocked),
        ]);
      }
      rows.push([
        '',
        '',
        merged ? 'point-estimate gate blocks (= evalgate blocks or warns)' : 'point-estimate gate blocks',
        ...cells((t) => t.point.studiedBlocked),
      ]);
    });
  });
  return markdownTable(rows, { align: ['l', 'l', 'l', 'r', 'r', 'r', 'r'] });
}

/** Both tables with their captions, as the markdown written to bench-output/verdicts.md. */
export function resultsMarkdown(results, { runs, seed }) {
  const tolerance = TOLERANCE.toFixed(2);
  const runsText = runs.toLocaleString('en-US');
  return [
    `**(a) No real change.** A retrain of a ${CLASSES}-class model whose true recall is unchanged on every class. ` +
      `Share of ${runsText} simulated runs per row whose verdict fails (any class); gate per-class-recall ` +
      `max-drop ${tolerance}, α ${ALPHA}, Holm across the ${CLASSES} classes. In brackets: the 95% Wilson interval ` +
      'of the Monte Carlo estimate.',
    '',
    noChangeTable(results),
    '',
    `**(b) A real recall drop on one class** (the other ${CLASSES - 1} unchanged). Share of runs in which the gate ` +
      `fails the check on the class that dropped. With ${runsText} runs per cell each share is within ` +
      `±${(196 * Math.sqrt(0.25 / runs)).toFixed(1)} points (95%). A drop of 2 points equals the tolerance, which ` +
      'the gate allows.',
    '',
    dropTable(results),
    '',
    `Seed ${seed}: \`npm run bench:verdicts -- --runs ${runs} --seed ${seed}\` reproduces these figures.`,
  ].join('\n');
}
