// scripts/docs/render-comment-screenshot.mjs makes the README's picture of a verdict comment. It needs
// Debian's Chromium, which `npm ci` does not install: without it the rendering test is skipped and says
// why (.ci/run installs it, so CI runs it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const script = path.join(repoRoot, 'scripts', 'docs', 'render-comment-screenshot.mjs');
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const hasChromium = existsSync(chromium);
const skipReason = "skipped: Debian's chromium is not installed; `apt-get install chromium`";
if (!hasChromium) console.warn(`renderCommentScreenshot.test.ts: ${skipReason} (looked for ${chromium})`);

const fixture = `<!-- evalgate:comment -->

## ❌ Candidate: failed, 1 of 2 gates failed

| class | recall (baseline) | recall (candidate) | change |
| :- | -: | -: | -: |
| cat | 96.2% | 78.8% | ▼ −17.31 pp |
| dog | 100.0% | 100.0% | 0 pp |

~~struck through~~

<details>
<summary>Folded table</summary>

| a | b |
| - | - |
| 1 | 2 |

</details>

<details>
<summary>Calibration</summary>

\`\`\`mermaid
xychart-beta
  title "Reliability diagram"
  x-axis "confidence" ["0.50", "0.97"]
  y-axis "accuracy" 0 --> 1
  bar [0.1, 0.9]
  line [0.5, 0.97]
\`\`\`

</details>

<sub>evalgate 0.1.0</sub>
`;

function run(args: string[]) {
  return spawnSync(process.execPath, [script, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 110_000,
  });
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('render-comment-screenshot: arguments', () => {
  it('exits 2 with a message when the markdown file does not exist', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-screenshot-'));
    const result = run([path.join(dir, 'missing.md'), path.join(dir, 'out.png')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/missing\.md does not exist/);
    expect(existsSync(path.join(dir, 'out.png'))).toBe(false);
  });
});

describe.skipIf(!hasChromium)(`render-comment-screenshot${hasChromium ? '' : ` (${skipReason})`}`, () => {
  it('renders a GFM table, a <details> block and a Mermaid diagram to a PNG', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-screenshot-'));
    const markdown = path.join(dir, 'comment.md');
    const png = path.join(dir, 'images', 'comment.png');
    writeFileSync(markdown, fixture);

    const result = run([markdown, png]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    expect(summary.mermaid).toEqual({ blocks: 1, rendered: 1 });
    // The <details> with the diagram is opened to show it; the other stays collapsed.
    expect(summary.details).toEqual({ total: 2, open: 1 });
    expect(summary.blockedRequests).toBe(0);

    const size = pngSize(png);
    expect(size).toEqual({ width: summary.width, height: summary.height });
    expect(size.width).toBeGreaterThan(800);
    expect(size.width).toBeLessThanOrEqual(900);
    // Heading, two tables, two summaries and a chart: several hundred pixels, far below a screen's ten.
    expect(size.height).toBeGreaterThan(400);
    expect(size.height).toBeLessThan(3000);
  }, 120_000);
});
