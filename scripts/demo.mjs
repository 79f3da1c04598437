// `npm run demo`: evaluates the three bundled example models against the committed baseline with
// the committed CLI bundle, clean and under the example's stress suite, shows the three verdicts and
// writes the reports to demo-output/. Exits 0 when the three evaluations ran (a failed gate is the
// expected result for the regressed and the brittle model).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'bin', 'evalgate.js');
const config = path.join('examples', 'digits', 'evalgate.yml');

const runs = [
  {
    title: 'Candidate: examples/digits/model.onnx (the model the baseline was made from, evaluated again)',
    model: 'model.onnx',
    out: 'demo-output/model',
  },
  {
    title: 'Candidate: examples/digits/model-regressed.onnx (most training images of one class were lost)',
    model: 'model-regressed.onnx',
    out: 'demo-output/model-regressed',
  },
  {
    title:
      'Candidate: examples/digits/model-brittle.onnx (as accurate on clean images, but trained with a data bug that makes it brittle under noise)',
    model: 'model-brittle.onnx',
    out: 'demo-output/model-brittle',
  },
];

let broken = false;
for (const run of runs) {
  console.log(`\n${'='.repeat(100)}\n${run.title}\n${'='.repeat(100)}`);
  const result = spawnSync(
    process.execPath,
    [
      cli,
      'run',
      '--config',
      config,
      '--model',
      path.join('examples', 'digits', run.model),
      '--out',
      run.out,
      '--title',
      run.title,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  const code = result.status;
  console.log(
    `exit code ${code} (${code === 0 ? 'passed' : code === 1 ? 'a gate failed' : 'the evaluation did not work'})`,
  );
  if (code !== 0 && code !== 1) broken = true;
}

if (!broken) {
  const comment = readFileSync(path.join(root, 'demo-output/model-regressed/comment.md'), 'utf8');
  console.log(
    `\n${'='.repeat(100)}\nThe pull-request comment for the regressed model (demo-output/model-regressed/comment.md):\n${'='.repeat(100)}\n`,
  );
  console.log(comment);
  console.log(
    '\nReports: demo-output/model/report.json, demo-output/model-regressed/report.json, demo-output/model-brittle/report.json',
  );
}
process.exit(broken ? 1 : 0);
