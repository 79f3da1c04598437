/** Progress on a terminal; silent when stderr is not a TTY (CI logs, pipes). */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  let lastDrawn = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (done < total && now - lastDrawn < 100) return;
      lastDrawn = now;
      drawn = true;
      const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
      stream.write(`\r${label} ${done}/${total} (${percent}%)`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
