/** Streaming sha256 of files: test sets and models can be large, so never read them whole. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex sha256 and byte size of a file, read as a stream. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
