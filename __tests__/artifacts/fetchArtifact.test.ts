import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  type ArtifactLog,
  archiveLayout,
  artifactCacheKey,
  fetchArtifact,
} from '../../src/artifacts/fetchArtifact.js';
import type { RemoteCache } from '../../src/shared/remoteCache.js';
import { InputError } from '../../src/shared/errors.js';
import { directoryRemoteCache } from '../__fixtures__/directoryRemoteCache.js';
import { serveArtifacts } from '../__fixtures__/localArtifactServer.js';

const modelBytes = Buffer.from('pretend onnx bytes, served over real HTTP');
const modelDigest = createHash('sha256').update(modelBytes).digest('hex');
const zipBytes = Buffer.from(
  zipSync({ 'cat/a.png': new Uint8Array([1, 2, 3]), 'dog/b.png': new Uint8Array([4]) }),
);
const zipDigest = createHash('sha256').update(zipBytes).digest('hex');
const evilZip = Buffer.from(zipSync({ '../escape.txt': new Uint8Array([1]) }));
const evilDigest = createHash('sha256').update(evilZip).digest('hex');
// What `zip -r test.zip test/` makes on a Mac: one top-level folder, folder entries, __MACOSX and .DS_Store.
const macZip = Buffer.from(
  zipSync({
    'test/': new Uint8Array(0),
    'test/cat/': new Uint8Array(0),
    'test/cat/a.png': new Uint8Array([1, 2, 3]),
    'test/cat/.DS_Store': new Uint8Array([9]),
    'test/dog/b.png': new Uint8Array([4]),
    '__MACOSX/test/cat/._a.png': new Uint8Array([8]),
  }),
);
const macDigest = createHash('sha256').update(macZip).digest('hex');
/** A body that stops half-way: the server promises more bytes than it sends, then drops the connection. */
const BROKEN_LENGTH = 1000;
const brokenPart = Buffer.alloc(100, 7);

const { requests, fetch: localFetch } = serveArtifacts({
  '/model.onnx': modelBytes,
  '/test.zip': zipBytes,
  '/evil.zip': evilZip,
  '/mac.zip': macZip,
  '/broken.onnx': (res) => {
    res.writeHead(200, { 'content-length': BROKEN_LENGTH });
    res.write(brokenPart, () => setTimeout(() => res.socket?.destroy(), 20));
  },
});

/** Downloads the zip served as `name` into a fresh cache folder and unpacks it there. */
function fetchZip(name: string, sha256: string) {
  const source = { kind: 'url' as const, url: `https://models.example.test/${name}`, sha256 };
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-'));
  return fetchArtifact(source, { label: 'test-set', cacheDir, fetch: localFetch, unpackZip: true });
}

describe('fetchArtifact', () => {
  it('downloads a pinned URL once, verifies it, and serves the second run from the cache', async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-'));
    const source = {
      kind: 'url' as const,
      url: 'https://models.example.test/model.onnx',
      sha256: modelDigest,
    };
    const before = requests.length;
    const first = await fetchArtifact(source, { label: 'model', cacheDir, fetch: localFetch });
    expect(first.fromCache).toBe(false);
    expect(readFileSync(first.path)).toEqual(modelBytes);
    const second = await fetchArtifact(source, { label: 'model', cacheDir, fetch: localFetch });
    expect(second.fromCache).toBe(true);
    expect(second.path).toBe(first.path);
    expect(requests.length - before).toBe(1);
  });

  it('refuses a download whose sha256 differs and keeps nothing in the cache', async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-'));
    const source = {
      kind: 'url' as const,
      url: 'https://models.example.test/model.onnx',
      sha256: 'b'.repeat(64),
    };
    await expect(fetchArtifact(source, { label: 'model', cacheDir, fetch: localFetch })).rejects.toThrow(
      /does not match its sha256: expected b{64}, got [0-9a-f]{64}/,
    );
    await expect(fetchArtifact(source, { label: 'model', cacheDir, fetch: localFetch })).rejects.toThrow(
      InputError,
    );
  });

  it('names the URL and HTTP status when the server says no', async () => {
    const source = {
      kind: 'url' as const,
      url: 'https://models.example.test/missing.onnx',
      sha256: modelDigest,
    };
    const error = await fetchArtifact(source, {
      label: 'model',
      cacheDir: mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-')),
      fetch: localFetch,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('HTTP 404');
    expect(error.where).toBe('https://models.example.test/missing.onnx');
  });

  it('unpacks a zipped test set into the cache', async () => {
    const fetched = await fetchZip('test.zip', zipDigest);
    expect(readFileSync(path.join(fetched.path, 'cat/a.png'))).toEqual(Buffer.from([1, 2, 3]));
    expect(readFileSync(path.join(fetched.path, 'dog/b.png'))).toEqual(Buffer.from([4]));
  });

  it('refuses an archive entry that escapes the test-set folder', async () => {
    await expect(fetchZip('evil.zip', evilDigest)).rejects.toThrow(/outside its folder/);
  });

  it('checks a local file against its pinned sha256', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-local-'));
    const file = path.join(dir, 'model.onnx');
    writeFileSync(file, modelBytes);
    await expect(
      fetchArtifact({ kind: 'path', path: file, sha256: modelDigest }, { label: 'model' }),
    ).resolves.toMatchObject({
      path: file,
    });
    await expect(
      fetchArtifact({ kind: 'path', path: file, sha256: 'c'.repeat(64) }, { label: 'model' }),
    ).rejects.toThrow(/does not match its pinned sha256/);
  });

  it('says which local file is missing', async () => {
    await expect(
      fetchArtifact({ kind: 'path', path: '/nope/model.onnx' }, { label: 'model' }),
    ).rejects.toThrow('model not found: /nope/model.onnx');
  });

  it('refuses a download that breaks off mid-body, naming the URL and leaving no partial file', async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-'));
    const sha256 = 'd'.repeat(64);
    const source = { kind: 'url' as const, url: 'https://models.example.test/broken.onnx', sha256 };
    const error = await fetchArtifact(source, { label: 'model', cacheDir, fetch: localFetch }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^the download of the model broke off: /);
    expect(error.where).toBe(source.url);
    expect(readdirSync(path.join(cacheDir, 'sha256', sha256))).toEqual([]);
  });

  it('strips the single top-level folder of a zipped test set and skips __MACOSX and hidden files', async () => {
    const fetched = await fetchZip('mac.zip', macDigest);
    expect(readdirSync(fetched.path).sort()).toEqual(['cat', 'dog']);
    expect(readdirSync(path.join(fetched.path, 'cat'))).toEqual(['a.png']);
    expect(readFileSync(path.join(fetched.path, 'dog/b.png'))).toEqual(Buffer.from([4]));
  });

  it('lays out archive entries: strips one shared folder, keeps a one-class image folder and mixed roots', () => {
    const layout = (names: string[]) => Object.fromEntries(archiveLayout(names));
    expect(layout(['test/x.npy', 'test/y.npy'])).toEqual({ 'test/x.npy': 'x.npy', 'test/y.npy': 'y.npy' });
    expect(layout(['t/manifest.csv', 't/images/a.png'])).toEqual({
      't/manifest.csv': 'manifest.csv',
      't/images/a.png': 'images/a.png',
    });
    // Images directly in the only folder: that folder is their class.
    expect(layout(['cat/a.png', 'cat/b.jpg'])).toEqual({
      'cat/a.png': 'cat/a.png',
      'cat/b.jpg': 'cat/b.jpg',
    });
    expect(layout(['cat/a.png', 'dog/b.png', '.hidden/c.png', 'dog/._b.png'])).toEqual({
      'cat/a.png': 'cat/a.png',
      'dog/b.png': 'dog/b.png',
    });
    expect(layout(['README.md', 'test/cat/a.png'])).toEqual({
      'README.md': 'README.md',
      'test/cat/a.png': 'test/cat/a.png',
    });
  });

  it('refuses a pinned sha256 for a local folder: a folder is pinned by its lock', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-local-'));
    mkdirSync(path.join(dir, 'test-set'));
    const folder = path.join(dir, 'test-set');
    const error = await fetchArtifact(
      { kind: 'path', path: folder, sha256: modelDigest },
      { label: 'test-set' },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `'test-set.sha256' is set, but ${folder} is a folder: sha256 pins a single file`,
    );
    expect(error.where).toBe(folder);
    expect(error.hint).toMatch(/lock file/);
    await expect(fetchArtifact({ kind: 'path', path: folder }, { label: 'test-set' })).resolves.toMatchObject(
      {
        path: folder,
        sha256: undefined,
      },
    );
  });
});

/** A log that keeps what it is told. */
function recordingLog(): ArtifactLog & { infos: string[]; warnings: string[] } {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, info: (m) => infos.push(m), warning: (m) => warnings.push(m) };
}

describe('fetchArtifact with a cache that outlives the job (@actions/cache)', () => {
  const modelSource = {
    kind: 'url' as const,
    url: 'https://models.example.test/model.onnx',
    sha256: modelDigest,
  };
  const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

  it('saves a verified download by its sha256 and serves the next job (empty disk) without a request', async () => {
    const cacheDir = tmp('evalgate-cache-');
    const remoteCache = directoryRemoteCache(tmp('evalgate-remote-'));
    const log = recordingLog();
    const before = requests.length;
    const first = await fetchArtifact(modelSource, {
      label: 'model',
      cacheDir,
      fetch: localFetch,
      remoteCache,
      log,
    });
    expect(first.fromCache).toBe(false);
    expect(requests.length - before).toBe(1);
    expect(remoteCache.keys()).toEqual([artifactCacheKey(modelDigest)]);
    expect(artifactCacheKey(modelDigest)).toBe(`evalgate-artifact-${modelDigest}`);

    // A new job on a new runner: the same cache folder path, nothing in it.
    rmSync(cacheDir, { recursive: true, force: true });
    const second = await fetchArtifact(modelSource, {
      label: 'model',
      cacheDir,
      fetch: localFetch,
      remoteCache,
      log,
    });
    expect(requests.length - before).toBe(1);
    expect(second).toEqual({ path: first.path, sha256: modelDigest, fromCache: true });
    expect(readFileSync(second.path)).toEqual(modelBytes);
    expect(log.infos.join('\n')).toContain('restored from the Actions cache');
    expect(log.warnings).toEqual([]);
  });

  it('restores and unpacks a zipped test set without downloading it', async () => {
    const cacheDir = tmp('evalgate-cache-');
    const remoteCache = directoryRemoteCache(tmp('evalgate-remote-'));
    const source = { kind: 'url' as const, url: 'https://models.example.test/test.zip', sha256: zipDigest };
    const options = {
      label: 'test-set',
      cacheDir,
      fetch: localFetch,
      unpackZip: true,
      remoteCache,
      log: recordingLog(),
    };
    await fetchArtifact(source, options);
    rmSync(cacheDir, { recursive: true, force: true });
    const before = requests.length;
    const restored = await fetchArtifact(source, options);
    expect(requests.length).toBe(before);
    expect(restored.fromCache).toBe(true);
    expect(readFileSync(path.join(restored.path, 'cat/a.png'))).toEqual(Buffer.from([1, 2, 3]));
  });

  it('does not ask the remote cache when the file is on disk already', async () => {
    const cacheDir = tmp('evalgate-cache-');
    const remoteCache = directoryRemoteCache(tmp('evalgate-remote-'));
    await fetchArtifact(modelSource, { label: 'model', cacheDir, fetch: localFetch, remoteCache });
    const calls = remoteCache.calls.length;
    await fetchArtifact(modelSource, { label: 'model', cacheDir, fetch: localFetch, remoteCache });
    expect(remoteCache.calls.length).toBe(calls);
  });

  it('downloads again, with a warning, when the restored file does not match its sha256', async () => {
    const cacheDir = tmp('evalgate-cache-');
    const file = path.join(cacheDir, 'sha256', modelDigest, 'model.onnx');
    // An entry under the right key but with other bytes (a poisoned or corrupt cache entry).
    const poisoned: RemoteCache = {
      async restore(paths) {
        mkdirSync(path.dirname(paths[0]), { recursive: true });
        writeFileSync(paths[0], 'not the model');
        return artifactCacheKey(modelDigest);
      },
      async save() {},
    };
    const log = recordingLog();
    const before = requests.length;
    const fetched = await fetchArtifact(modelSource, {
      label: 'model',
      cacheDir,
      fetch: localFetch,
      remoteCache: poisoned,
      log,
    });
    expect(requests.length - before).toBe(1);
    expect(fetched).toMatchObject({ path: file, fromCache: false });
    expect(readFileSync(file)).toEqual(modelBytes);
    expect(log.warnings).toEqual([
      `the model restored from the Actions cache (evalgate-artifact-${modelDigest}) does not match its sha256; downloading it`,
    ]);
  });

  it('turns a failing restore or save into warnings and still returns the verified download', async () => {
    const cacheDir = tmp('evalgate-cache-');
    const broken: RemoteCache = {
      restore: async () => {
        throw new Error('cache service unavailable');
      },
      save: async () => {
        throw new Error('quota exceeded');
      },
    };
    const log = recordingLog();
    const fetched = await fetchArtifact(modelSource, {
      label: 'model',
      cacheDir,
      fetch: localFetch,
      remoteCache: broken,
      log,
    });
    expect(fetched.fromCache).toBe(false);
    expect(existsSync(fetched.path)).toBe(true);
    expect(log.warnings).toEqual([
      `could not restore the model from the Actions cache (evalgate-artifact-${modelDigest}): cache service unavailable`,
      `could not save the model to the Actions cache (evalgate-artifact-${modelDigest}): quota exceeded`,
    ]);
  });

  it('never saves a download that failed its sha256 check', async () => {
    const remoteCache = directoryRemoteCache(tmp('evalgate-remote-'));
    const source = { ...modelSource, sha256: 'e'.repeat(64) };
    await expect(
      fetchArtifact(source, {
        label: 'model',
        cacheDir: tmp('evalgate-cache-'),
        fetch: localFetch,
        remoteCache,
      }),
    ).rejects.toThrow(/does not match its sha256/);
    expect(remoteCache.keys()).toEqual([]);
  });
});
