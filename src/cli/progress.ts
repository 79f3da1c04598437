/**
 * Progress on a terminal: the phase (verifying the lock, evaluating), and while evaluating the
 * samples done, the rate in samples per second and an ETA, redrawn in place (`\r`) at most
 * DRAW_INTERVAL_MS apart; then one closing line with the total time and the throughput. When
 * stderr is not a terminal (CI logs, pipes) nothing at all is written.
 */
import { countOf } from '../shared/plural.js';

/** Least time between two redraws of the line, in ms: four a second reads as live and costs nothing. */
export const DRAW_INTERVAL_MS = 250;

export interface Progress {
  /**
   * A step, drawn at once: uncounted (verifying the lock) until the first count, which switches to
   * 'evaluating'; or `counted` (evaluating the baseline model), whose label the counts keep.
   */
  phase(label: string, counted?: boolean): void;
  /** Samples done of the current pass; a count lower than the last one starts a new pass. */
  update(done: number, total: number): void;
  /** Clears the line and writes the closing line: total time and throughput. */
  finish(): void;
  /** Clears the line (after an error too); idempotent. */
  done(): void;
}

export interface ProgressOptions {
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
  /** Label of the counted passes (default 'evaluating'). */
  evaluatingLabel?: string;
}

type Stream = Pick<NodeJS.WriteStream, 'isTTY' | 'write'>;

const SILENT: Progress = { phase() {}, update() {}, finish() {}, done() {} };

export function createProgress(stream: Stream = process.stderr, options: ProgressOptions = {}): Progress {
  if (!stream.isTTY) return SILENT;
  const now = options.now ?? (() => performance.now());
  const countedLabel = options.evaluatingLabel ?? 'evaluating';
  const started = now();
  let label = countedLabel;
  let labelCounted = true;
  let lastDrawn = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let cleared = false;
  // The current pass: its rate is measured from the first count seen, so that the time before the
  // first batch (loading the model) does not count against it.
  let pass: { startTime: number; startDone: number; last: number; total: number } | null = null;
  let lastUpdateTime = started;
  // Of the passes already finished: samples in all, and the samples and ms that the rate covers.
  let samples = 0;
  let ratedSamples = 0;
  let ratedMs = 0;

  const draw = (text: string) => {
    stream.write(`\r\x1b[2K${text}`);
    drawn = true;
    cleared = false;
  };
  const clear = () => {
    if (drawn && !cleared) stream.write('\r\x1b[2K');
    cleared = true;
  };
  const closePass = () => {
    if (pass === null) return;
    samples += pass.last;
    ratedSamples += pass.last - pass.startDone;
    ratedMs += Math.max(0, lastUpdateTime - pass.startTime);
    pass = null;
  };

  return {
    phase(next, counted = false) {
      closePass();
      label = next;
      labelCounted = counted;
      lastDrawn = now();
      draw(`${label}…`);
    },
    update(done, total) {
      const t = now();
      if (pass === null || done < pass.last) {
        closePass();
        if (!labelCounted) {
          label = countedLabel;
          labelCounted = true;
        }
        // Samples of the first batch were done before its count arrived: measure from there on.
        pass = { startTime: t, startDone: done, last: done, total };
      }
      pass.last = done;
      pass.total = total;
      lastUpdateTime = t;
      if (t - lastDrawn < DRAW_INTERVAL_MS) return;
      lastDrawn = t;
      const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
      const seconds = (t - pass.startTime) / 1000;
      const rate = seconds > 0 ? (done - pass.startDone) / seconds : 0;
      const parts = [`${label} ${done}/${total} (${percent}%)`];
      if (rate > 0) {
        parts.push(`${formatRate(rate)} samples/s`);
        if (done < total) parts.push(`ETA ${formatDuration((total - done) / rate)}`);
      }
      draw(parts.join(' · '));
    },
    finish() {
      closePass();
      clear();
      const totalSeconds = (now() - started) / 1000;
      // The rate while evaluating; with a single batch (no rate measured), over the whole run.
      const rate =
        ratedMs > 0 && ratedSamples > 0
          ? ratedSamples / (ratedMs / 1000)
          : totalSeconds > 0
            ? samples / totalSeconds
            : 0;
      const throughput = rate > 0 ? ` (${formatRate(rate)} samples/s)` : '';
      stream.write(
        `evaluated ${countOf(samples, 'sample')} in ${formatDuration(totalSeconds)}${throughput}\n`,
      );
    },
    done() {
      clear();
    },
  };
}

/** Samples per second for people: whole numbers from 10 up, one decimal below. */
function formatRate(rate: number): string {
  return rate >= 10 ? String(Math.round(rate)) : rate.toFixed(1);
}

/** 0.4 s, 12.3 s, 2:05, 1:02:05. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
