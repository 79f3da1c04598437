/**
 * The onnxruntime-node version evalgate is built and tested with, read from evalgate's own
 * package.json (the one place it is written), so installers and messages never drift from it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'evalgate';
const RUNTIME_PACKAGE = 'onnxruntime-node';

let cached: string | null = null;

/**
 * Finds evalgate's package.json by walking up from `startDir` (this module's folder by default:
 * src/runtime in development, dist/ in the bundle) and returns its pinned onnxruntime-node version.
 */
export function pinnedOnnxRuntimeVersion(startDir?: string): string {
  if (startDir === undefined && cached !== null) return cached;
  let dir = startDir ?? path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
        name?: string;
        dependencies?: Record<string, string>;
      };
      const version = pkg.dependencies?.[RUNTIME_PACKAGE];
      if (pkg.name === PACKAGE_NAME && version !== undefined) {
        if (startDir === undefined) cached = version;
        return version;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`could not find ${PACKAGE_NAME}'s package.json with a ${RUNTIME_PACKAGE} dependency`);
}
