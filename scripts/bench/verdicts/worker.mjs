// Worker thread of `npm run bench:verdicts`: runs the replicate ranges it is sent, one at a time,
// and posts back the counts of each.
import { parentPort } from 'node:worker_threads';
import { runReplicates } from './runCell.mjs';
import { SCENARIOS } from './scenarios.mjs';

parentPort.on('message', (task) => {
  const counts = runReplicates({ ...task, scenario: SCENARIOS[task.scenarioIndex] });
  parentPort.postMessage({ task, counts });
});
