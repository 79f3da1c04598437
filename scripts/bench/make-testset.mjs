// Makes a large image-folder test set for the benchmarks: the example's digit PNGs upscaled to
// 32x32 (so that decoding does real work), repeated to `count` files, with a lock, and a config
// that evaluates scripts/bench/bench-model.onnx (a CNN for 32x32 inputs) on them.
// Usage: node scripts/bench/make-testset.mjs <count> <dir>   (after `tsc -p tsconfig.build.json`)
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { createLock, writeLock } from '../../lib/dataset/lock.js';
import { openTestSet } from '../../lib/dataset/openTestSet.js';

const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const SIDE = 32;

export async function makeTestSet(count, dir) {
  const config = path.join(dir, 'evalgate.yml');
  const root = path.join(dir, 'test-set');
  const lockFile = path.join(root, 'evalgate.lock.json');
  if (!existsSync(lockFile)) await writeImages(count, root);
  // The config is rewritten every time, so that changes to it apply to test sets made earlier.
  const model = path.resolve('scripts/bench/bench-model.onnx');
  writeFileSync(
    config,
    `version: 1
model: { path: ${JSON.stringify(model)} }
classes: ${JSON.stringify(CLASSES)}
test-set: { path: test-set }
preprocess: { color: gray, scale: 0.00392156862745098, mean: 0.5, std: 0.5, layout: NCHW }
batch-size: 64
`,
  );
  return config;
}

async function writeImages(count, root) {
  rmSync(root, { recursive: true, force: true });
  const source = path.resolve('examples/digits/test-set');
  const originals = [];
  for (const label of CLASSES) {
    for (const file of readdirSync(path.join(source, label)).sort()) {
      if (!file.endsWith('.png')) continue;
      originals.push({ label, png: PNG.sync.read(readFileSync(path.join(source, label, file))) });
    }
  }
  for (const label of CLASSES) mkdirSync(path.join(root, label), { recursive: true });
  for (let i = 0; i < count; i++) {
    const { label, png } = originals[i % originals.length];
    const big = new PNG({ width: SIDE, height: SIDE, colorType: 0, inputColorType: 6 });
    const factor = SIDE / png.width;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const s = (Math.floor(y / factor) * png.width + Math.floor(x / factor)) * 4;
        const d = (y * SIDE + x) * 4;
        // a little per-copy variation so files differ (and hash differently)
        const v = Math.min(255, png.data[s] + ((i * 7 + x + y) % 3));
        big.data[d] = big.data[d + 1] = big.data[d + 2] = v;
        big.data[d + 3] = 255;
      }
    }
    writeFileSync(
      path.join(root, label, `img-${String(i).padStart(6, '0')}.png`),
      PNG.sync.write(big, { colorType: 0 }),
    );
  }
  const testSet = await openTestSet({ root, classNames: CLASSES });
  await writeLock(
    path.join(root, 'evalgate.lock.json'),
    await createLock(testSet, CLASSES, 'evalgate bench'),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [count, dir] = process.argv.slice(2);
  console.log(await makeTestSet(Number(count), path.resolve(dir)));
}
