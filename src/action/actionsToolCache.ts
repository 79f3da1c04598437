/**
 * `ToolCache` backed by @actions/tool-cache, for the action adapter. Undefined outside a runner
 * (no RUNNER_TOOL_CACHE), where @actions/tool-cache would throw, so callers simply skip it. The
 * core resolver never imports this module; the action passes `actionsToolCache()` in.
 */
import * as toolCache from '@actions/tool-cache';
import type { ToolCache } from '../runtime/runtimeClients.js';

export function actionsToolCache(env: NodeJS.ProcessEnv = process.env): ToolCache | undefined {
  if (!env.RUNNER_TOOL_CACHE) return undefined;
  return {
    find: (tool, version, arch) => toolCache.find(tool, version, arch),
    cacheDir: (sourceDir, tool, version, arch) => toolCache.cacheDir(sourceDir, tool, version, arch),
  };
}
