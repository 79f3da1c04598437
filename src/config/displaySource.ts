/** How a report names where an artifact came from. */
import path from 'node:path';
import type { ArtifactSource } from './types.js';

/** An artifact's source as a report shows it: the URL, or the path relative to the config's folder. */
export function displaySource(source: ArtifactSource, baseDir: string): string {
  if (source.kind === 'url') return source.url;
  const relative = path.relative(baseDir, source.path);
  return relative.startsWith('..') || path.isAbsolute(relative) ? source.path : relative || '.';
}
