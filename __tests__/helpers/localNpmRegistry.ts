/**
 * Test fixtures for the runtime resolver, made from the onnxruntime-node in node_modules:
 *
 * - `trimmedRuntimePrefix`: an npm prefix holding node_modules/onnxruntime-node with only this
 *   platform's binaries, and onnxruntime-common (what an install leaves, what caches hold);
 * - `startLocalNpmRegistry`: an HTTP server on 127.0.0.1 that answers npm like the registry does
 *   (packuments and tarballs) for onnxruntime-node and onnxruntime-common, so the real `npm install`
 *   runs without the network. The onnxruntime-node it serves is trimmed to this platform's binaries
 *   (45 MB instead of 288 MB) and depends on onnxruntime-common only: its other dependencies
 *   (adm-zip, global-agent) serve the CUDA download script alone, which these tests never run.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const installedRuntime = path.join(repoRoot, 'node_modules', 'onnxruntime-node');
const installedCommon = path.join(repoRoot, 'node_modules', 'onnxruntime-common');

/** Copies onnxruntime-node without other platforms' native folders. */
function copyTrimmedRuntime(target: string): void {
  const binRoot = path.join(installedRuntime, 'bin');
  cpSync(installedRuntime, target, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(binRoot, source);
      if (relative.startsWith('..') || relative === '') return true;
      const [, platform, arch] = relative.split(path.sep);
      if (platform !== undefined && platform !== process.platform) return false;
      return arch === undefined || arch === process.arch;
    },
  });
}

/** An npm prefix like an install leaves it: node_modules/{onnxruntime-node (trimmed), onnxruntime-common}. */
export function trimmedRuntimePrefix(prefix: string): string {
  copyTrimmedRuntime(path.join(prefix, 'node_modules', 'onnxruntime-node'));
  cpSync(installedCommon, path.join(prefix, 'node_modules', 'onnxruntime-common'), { recursive: true });
  return prefix;
}

interface PublishedVersion {
  manifest: Record<string, unknown>;
  tarball: Buffer;
}

/** A .tgz with the folder `source` as `package/`, as `npm pack` makes it (gzip level 1: these are test fixtures). */
function packTarball(source: string, workDir: string): Buffer {
  const staging = path.join(workDir, 'package');
  cpSync(source, staging, { recursive: true });
  const tar = execFileSync('tar', ['-cf', '-', '-C', workDir, 'package'], { maxBuffer: 1 << 30 });
  return gzipSync(tar, { level: 1 });
}

function publish(source: string, workDir: string, rewrite?: (manifest: Record<string, unknown>) => void) {
  const manifest = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  rewrite?.(manifest);
  mkdirSync(workDir, { recursive: true });
  const copy = path.join(workDir, 'source');
  cpSync(source, copy, { recursive: true });
  writeFileSync(path.join(copy, 'package.json'), JSON.stringify(manifest, null, 2));
  return { manifest, tarball: packTarball(copy, workDir) };
}

export interface LocalNpmRegistry {
  url: string;
  /** Every request path, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Another OS's and another CPU's native folder, as the real package has them (tiny stand-ins, to be pruned). */
export const OTHER_PLATFORM_FOLDERS = [
  `${process.platform === 'darwin' ? 'linux' : 'darwin'}/arm64`,
  `${process.platform}/${process.arch === 'x64' ? 'arm64' : 'x64'}`,
];

/**
 * Serves onnxruntime-node and onnxruntime-common at the versions in node_modules. The onnxruntime-node
 * tarball holds this platform's real binaries and, for OTHER_PLATFORM_FOLDERS, small stand-in files.
 */
export async function startLocalNpmRegistry(workDir: string): Promise<LocalNpmRegistry> {
  const trimmed = path.join(workDir, 'trimmed-runtime');
  copyTrimmedRuntime(trimmed);
  for (const folder of OTHER_PLATFORM_FOLDERS) {
    const dir = path.join(trimmed, 'bin', 'napi-v6', ...folder.split('/'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'onnxruntime_binding.node'), Buffer.alloc(4096, 1));
  }
  const packages = new Map<string, PublishedVersion>([
    [
      'onnxruntime-node',
      publish(trimmed, path.join(workDir, 'pack-node'), (manifest) => {
        manifest.dependencies = {
          'onnxruntime-common': (manifest.dependencies as Record<string, string>)['onnxruntime-common'],
        };
        delete manifest.scripts;
      }),
    ],
    ['onnxruntime-common', publish(installedCommon, path.join(workDir, 'pack-common'))],
  ]);

  const requests: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    requests.push(url);
    const tarballMatch = /^\/([^/]+)\/-\/[^/]+\.tgz$/.exec(url);
    if (tarballMatch && packages.has(tarballMatch[1])) {
      const { tarball } = packages.get(tarballMatch[1])!;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.length });
      res.end(tarball);
      return;
    }
    const name = url.slice(1);
    const published = packages.get(name);
    if (published === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    const version = published.manifest.version as string;
    const packument = {
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          ...published.manifest,
          _id: `${name}@${version}`,
          dist: {
            tarball: `${base}/${name}/-/${name}-${version}.tgz`,
            shasum: createHash('sha1').update(published.tarball).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(published.tarball).digest('base64')}`,
          },
        },
      },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
