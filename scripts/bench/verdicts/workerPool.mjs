// The worker pool of both verdict benches (`npm run bench:verdicts` and `bench:verdicts:other`):
// up to `workerCount` worker threads running `workerUrl`, each sent one task at a time and the next
// as soon as it replies. Every reply goes to `onReply`; resolves once every task is answered.
import { Worker } from 'node:worker_threads';

export function runOnWorkers(workerUrl, tasks, workerCount, onReply) {
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    for (let w = 0; w < Math.min(workerCount, tasks.length); w++) {
      const worker = new Worker(workerUrl);
      running++;
      const feed = () => {
        if (next < tasks.length) worker.postMessage(tasks[next++]);
        else {
          worker.terminate();
          if (--running === 0) resolve();
        }
      };
      worker.on('message', (reply) => {
        onReply(reply);
        feed();
      });
      worker.on('error', reject);
      feed();
    }
  });
}
