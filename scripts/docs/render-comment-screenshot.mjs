// Renders a verdict comment (markdown) to a PNG the way GitHub shows it in a pull request: markdown-it
// with GitHub's comment flavour (tables, strikethrough, raw HTML such as <details>/<summary>/<sub>, line
// breaks kept as in comments), GitHub's markdown CSS (github-markdown-css, light theme) and Mermaid for
// ```mermaid blocks, in headless Chromium driven by puppeteer-core. The README's picture
// (docs/images/verdict-comment.png) is made by it from the demo's failing verdict:
//
//   npm run demo && npm run docs:screenshot
//   node scripts/docs/render-comment-screenshot.mjs [comment.md] [out.png] [--width 900]
//
//   comment.md   default demo-output/model-regressed/comment.md
//   out.png      default docs/images/verdict-comment.png
//   --width      the comment column in CSS pixels (default 900, about GitHub's)
//   --full-color keep Chromium's own PNG (true colour) instead of the 256-colour palette below
//
// Nothing reaches the network: the CSS and mermaid.min.js are read from node_modules and inlined into
// the page, every request the page makes is refused, and Chromium's host resolver maps every name to
// nowhere. Chromium is Debian's (`apt-get install chromium`); CHROMIUM_PATH overrides /usr/bin/chromium.
// For the committed picture, fonts-liberation2 and fonts-noto-color-emoji were installed as well (the
// emoji of the status column); without them the picture is still made, with fallback glyphs.
//
// A <details> that holds a Mermaid diagram is opened, as a reader would click it: a diagram folded away
// is not in the picture, and Mermaid cannot measure text inside a closed <details>. Every other
// <details> stays collapsed, as GitHub first shows it.
//
// The picture is written as a palette PNG of its 256 most frequent colours (any other colour, a rare
// shade of text antialiasing or of an emoji, becomes the nearest of them): a comment has about 2,000
// distinct colours, the difference cannot be seen, and the file is about 2.5 times smaller.
//
// The last line of stdout is JSON: { output, width, height, mermaid: { blocks, rendered },
// details: { total, open }, blockedRequests }.
// Exit status: 0 when the PNG was written and every Mermaid block rendered as a diagram; 1 when a
// block did not render or a request was refused (the PNG is still written); 2 for bad usage.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deflateSync } from 'node:zlib';
import MarkdownIt from 'markdown-it';
import { PNG } from 'pngjs';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);

function usage(message) {
  console.error(`render-comment-screenshot: ${message}`);
  console.error(
    'usage: node scripts/docs/render-comment-screenshot.mjs [comment.md] [out.png] [--width 900]',
  );
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      width: { type: 'string', default: '900' },
      'full-color': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
} catch (error) {
  usage(error.message);
}
if (parsed.values.help) {
  console.log('usage: node scripts/docs/render-comment-screenshot.mjs [comment.md] [out.png] [--width 900]');
  process.exit(0);
}
if (parsed.positionals.length > 2) usage('at most two arguments: the markdown file and the PNG to write');
const [
  markdownPath = 'demo-output/model-regressed/comment.md',
  outputPath = 'docs/images/verdict-comment.png',
] = parsed.positionals;
const width = Number(parsed.values.width);
if (!Number.isInteger(width) || width < 200 || width > 4000)
  usage('--width must be a whole number of pixels, 200 to 4000');
if (!existsSync(markdownPath)) {
  usage(
    `${markdownPath} does not exist` +
      (parsed.positionals.length === 0 ? '; run `npm run demo` first, it writes demo-output/' : ''),
  );
}
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) usage(`no Chromium at ${chromium}; install Debian's: apt-get install chromium`);

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, body) {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** An 8-bit palette PNG of the picture's 256 most frequent colours; every other colour becomes the nearest. */
function toPalettePng(truecolorPng) {
  const { width: w, height: h, data } = PNG.sync.read(truecolorPng);
  const rgb = (i) => (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
  const counts = new Map();
  for (let i = 0; i < data.length; i += 4) counts.set(rgb(i), (counts.get(rgb(i)) ?? 0) + 1);
  const palette = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 256)
    .map(([color]) => color);
  const indexOf = new Map(palette.map((color, i) => [color, i]));
  const nearest = (color) => {
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    palette.forEach((p, i) => {
      const dr = (color >> 16) - (p >> 16);
      const dg = ((color >> 8) & 0xff) - ((p >> 8) & 0xff);
      const db = (color & 0xff) - (p & 0xff);
      const distance = 2 * dr * dr + 4 * dg * dg + db * db; // a rough weighting of what the eye sees
      if (distance < bestDistance) [best, bestDistance] = [i, distance];
    });
    return best;
  };
  const rows = Buffer.alloc((w + 1) * h); // each row: filter type 0, then one index per pixel
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const color = rgb((y * w + x) * 4);
      let index = indexOf.get(color);
      if (index === undefined) {
        index = nearest(color);
        indexOf.set(color, index);
      }
      rows[y * (w + 1) + 1 + x] = index;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header[8] = 8; // bit depth
  header[9] = 3; // colour type: palette
  const plte = Buffer.alloc(palette.length * 3);
  palette.forEach((color, i) => {
    plte[i * 3] = color >> 16;
    plte[i * 3 + 1] = (color >> 8) & 0xff;
    plte[i * 3 + 2] = color & 0xff;
  });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('PLTE', plte),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function escapeHtml(text) {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

// GitHub comments: GFM tables and strikethrough (on in markdown-it's default preset), raw HTML, bare
// URLs as links, and a line break wherever the source breaks a line.
const md = new MarkdownIt({ html: true, linkify: true, breaks: true });
const defaultFence = md.renderer.rules.fence;
md.renderer.rules.fence = (tokens, index, options, env, self) => {
  const token = tokens[index];
  if (token.info.trim().split(/\s+/)[0] === 'mermaid') {
    return `<pre class="mermaid">${escapeHtml(token.content)}</pre>\n`;
  }
  return defaultFence(tokens, index, options, env, self);
};

const markdown = readFileSync(markdownPath, 'utf8');
const css = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8');
// `</script` cannot appear inside an inline script; the minified bundle is escaped just in case.
const mermaidJs = readFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8').replaceAll(
  '</script',
  '<\\/script',
);

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<style>${css}</style>
<style>
  html, body { margin: 0; background: #ffffff; }
  body { padding: 8px; width: ${width}px; box-sizing: border-box; }
  .comment { border: 1px solid #d0d7de; border-radius: 6px; background: #ffffff; }
  .comment > .markdown-body { padding: 16px; font-size: 14px; }
  .markdown-body pre.mermaid { background: #ffffff; text-align: center; }
</style>
</head>
<body>
<div class="comment"><div class="markdown-body">
${md.render(markdown)}
</div></div>
<script>${mermaidJs}</script>
<script>mermaid.initialize({ startOnLoad: false, theme: 'default', securityLevel: 'strict' });</script>
</body>
</html>`;

const args = [
  '--headless=new',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];
// Chromium's sandbox refuses to start as root (containers, CI).
if (process.getuid?.() === 0) args.push('--no-sandbox');

const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args, timeout: 60_000 });
let result;
try {
  const tab = await browser.newPage();
  await tab.setViewport({ width, height: 800, deviceScaleFactor: 1 });
  let blockedRequests = 0;
  await tab.setRequestInterception(true);
  tab.on('request', (request) => {
    const url = request.url();
    if (url === 'about:blank' || url.startsWith('data:')) return request.continue();
    blockedRequests += 1;
    console.error(`render-comment-screenshot: refused a request for ${url}`);
    return request.abort();
  });
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') {
      console.error(`render-comment-screenshot: page ${message.type()}: ${message.text()}`);
    }
  });
  tab.on('pageerror', (error) => console.error(`render-comment-screenshot: page error: ${error.message}`));
  await tab.setContent(page, { waitUntil: 'load', timeout: 60_000 });

  const { mermaid, details } = await tab.evaluate(async () => {
    const blocks = [...document.querySelectorAll('pre.mermaid')];
    for (const block of blocks) {
      for (let node = block.parentElement; node; node = node.parentElement) {
        if (node.tagName === 'DETAILS') node.open = true;
      }
    }
    if (blocks.length > 0) {
      try {
        await window.mermaid.run({ nodes: blocks });
      } catch (error) {
        console.error(String(error));
      }
    }
    const rendered = blocks.filter((block) => {
      const svg = block.querySelector('svg');
      return svg !== null && svg.getAttribute('aria-roledescription') !== 'error';
    }).length;
    const allDetails = [...document.querySelectorAll('details')];
    return {
      mermaid: { blocks: blocks.length, rendered },
      details: { total: allDetails.length, open: allDetails.filter((d) => d.open).length },
    };
  });
  await tab.evaluate(() => document.fonts.ready);

  const comment = await tab.$('.comment');
  const box = await comment.boundingBox();
  mkdirSync(path.dirname(path.resolve(outputPath)), { recursive: true });
  const screenshot = Buffer.from(await comment.screenshot({ captureBeyondViewport: true }));
  writeFileSync(outputPath, parsed.values['full-color'] ? screenshot : toPalettePng(screenshot));
  result = {
    output: outputPath,
    width: Math.round(box.width),
    height: Math.round(box.height),
    mermaid,
    details,
    blockedRequests,
  };
} finally {
  await browser.close();
}

console.log(JSON.stringify(result));
if (result.mermaid.rendered < result.mermaid.blocks) {
  console.error(
    `render-comment-screenshot: ${result.mermaid.blocks - result.mermaid.rendered} of ${result.mermaid.blocks} Mermaid block(s) did not render`,
  );
  process.exitCode = 1;
}
if (result.blockedRequests > 0) process.exitCode = 1;
