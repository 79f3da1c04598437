/**
 * Makes a model or test set available as a local path: local files are checked (and pinned when
 * a sha256 is given); https URLs are downloaded once, verified against their sha256 and cached on
 * disk by digest, so a second run downloads nothing. Zip test sets are unpacked into the cache.
 *
 * On a hosted runner the disk is new for every job, so a URL artifact is also kept in a cache that
 * outlives the job (`remoteCache`, @actions/cache in the action) under `evalgate-artifact-<sha256>`:
 * restored (and verified) before any download, saved after a verified one. The sha256 is the key,
 * so an entry can only ever hold those bytes; a failed restore or save is a warning, never an error.
 *
 * Unpacking takes archives as people make them: `zip -r test.zip test/` puts everything under one
 * top-level folder, which is stripped; macOS adds `__MACOSX/` resource forks and `.DS_Store` files,
 * which are skipped (see archiveLayout).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { unzipSync } from 'fflate';
import type { RemoteCache } from '../shared/remoteCache.js';
import type { ArtifactSource } from '../config/types.js';
import { isHiddenName, isImageFileName } from '../dataset/testSetPaths.js';
import { errorMessage, InputError, InternalError } from '../shared/errors.js';
import { hashFile } from '../shared/hashFile.js';

/** A fetch function: the global fetch by default; tests pass one that reaches a local server. */
export type FetchLike = (url: string) => Promise<Response>;

/**
 * Longest a default download may take, response and body together (10 minutes, in ms): ample for a
 * model or test set of a few GB on a hosted runner, and a stalled server fails the job with a
 * message long before the job's own 6-hour limit.
 */
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

function defaultFetch(url: string): Promise<Response> {
  return fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
}

/** A network error's own words: undici's `fetch failed` keeps the reason (ECONNRESET...) in `cause`. */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError')
    return `no complete answer within ${DOWNLOAD_TIMEOUT_MS / 60_000} minutes`;
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== error.message ? `${error.message} (${cause})` : error.message;
}

export interface FetchOptions {
  /**
   * Folder that URL artifacts are downloaded into and cached in, by sha256: the adapter's choice
   * (the CLI and the action use $EVALGATE_CACHE_DIR, else ~/.cache/evalgate). Needed for URL
   * sources; local paths do without.
   */
  cacheDir?: string;
  fetch?: FetchLike;
  /** What the artifact is, for messages: 'model' or 'test-set'. */
  label: string;
  /** Unpack .zip archives into a folder (test sets). */
  unpackZip?: boolean;
  /** A cache that outlives the job (@actions/cache): URL artifacts are restored from it before downloading. */
  remoteCache?: RemoteCache;
  /** Notes on cache use, and warnings when it fails; default: warnings on standard error. */
  log?: ArtifactLog;
}

export interface ArtifactLog {
  info(message: string): void;
  warning(message: string): void;
}

const stderrWarnings: ArtifactLog = {
  info: () => {},
  warning: (message) => process.stderr.write(`evalgate: warning: ${message}\n`),
};

/** The @actions/cache key of a downloaded artifact: its content, whatever URL it came from. */
export function artifactCacheKey(sha256: string): string {
  return `evalgate-artifact-${sha256}`;
}

export interface FetchedArtifact {
  /** Local path: the file, or the unpacked folder for a zip. */
  path: string;
  /** sha256 of the file as fetched (hex); for local folders, undefined. */
  sha256?: string;
  /** true when the file came from the cache without a download. */
  fromCache: boolean;
}

export async function fetchArtifact(source: ArtifactSource, options: FetchOptions): Promise<FetchedArtifact> {
  if (source.kind === 'path') return checkLocal(source, options.label);
  if (options.cacheDir === undefined) {
    throw new InternalError(
      `the ${options.label} is a URL, but no cache folder was given to download it into`,
    );
  }
  const entryDir = path.join(options.cacheDir, 'sha256', source.sha256);
  const fileName = safeFileName(source.url);
  const file = path.join(entryDir, fileName);
  // '-v2': folders unpacked before top-level folders were stripped must not be reused.
  const unpacked = path.join(entryDir, 'unpacked-v2');
  const wantsUnpack = Boolean(options.unpackZip) && /\.zip$/i.test(fileName);
  const log = options.log ?? stderrWarnings;
  const result = (sha256: string, fromCache: boolean): FetchedArtifact => ({
    path: wantsUnpack ? unpacked : file,
    sha256,
    fromCache,
  });

  const cached =
    (existsSync(file) && (await hashFile(file)).sha256 === source.sha256) ||
    (options.remoteCache !== undefined &&
      (await restoreFromRemoteCache({
        remoteCache: options.remoteCache,
        file,
        sha256: source.sha256,
        label: options.label,
        log,
      })));
  if (cached) {
    if (wantsUnpack && !existsSync(`${unpacked}.complete`)) await unpackZip(file, unpacked);
    return result(source.sha256, true);
  }

  await mkdir(entryDir, { recursive: true });
  const actual = await download(source, file, options);
  if (options.remoteCache !== undefined) {
    await saveToRemoteCache({
      remoteCache: options.remoteCache,
      file,
      sha256: actual,
      label: options.label,
      log,
    });
  }
  if (wantsUnpack) await unpackZip(file, unpacked);
  return result(actual, false);
}

/**
 * Downloads `source` to `file` through a partial file, verifying its sha256 on the way; returns
 * the digest. A failed or mismatching download leaves nothing behind.
 */
async function download(
  source: Extract<ArtifactSource, { kind: 'url' }>,
  file: string,
  options: FetchOptions,
): Promise<string> {
  const partial = `${file}.${process.pid}.partial`;
  const doFetch = options.fetch ?? defaultFetch;
  let response: Response;
  try {
    response = await doFetch(source.url);
  } catch (error) {
    throw new InputError(`cannot download the ${options.label}: ${networkReason(error)}`, {
      code: 'E_ARTIFACT_DOWNLOAD',
      where: source.url,
      hint: 'check the URL and the runner’s network access',
      cause: error,
    });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    throw new InputError(`downloading the ${options.label} failed: HTTP ${response.status}`, {
      code: 'E_ARTIFACT_DOWNLOAD',
      where: source.url,
    });
  }
  const hash = createHash('sha256');
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  try {
    await pipeline(body, createWriteStream(partial));
  } catch (error) {
    // A connection dropped or timed out mid-body: keep no half file in the cache.
    await rm(partial, { force: true });
    throw new InputError(`the download of the ${options.label} broke off: ${networkReason(error)}`, {
      code: 'E_ARTIFACT_DOWNLOAD',
      where: source.url,
      hint: 'run again; if it keeps failing, check the server and the runner’s network access',
      cause: error,
    });
  }
  const actual = hash.digest('hex');
  if (actual !== source.sha256) {
    await rm(partial, { force: true });
    throw new InputError(
      `the downloaded ${options.label} does not match its sha256: expected ${source.sha256}, got ${actual}`,
      {
        code: 'E_ARTIFACT_CHECKSUM',
        where: source.url,
        hint: 'the file at that URL changed; if the change is intended, update sha256 in the config',
      },
    );
  }
  await rename(partial, file);
  return actual;
}

/** A file of the disk cache and its entry in the remote cache (keyed by its sha256). */
interface RemoteCacheEntry {
  remoteCache: RemoteCache;
  file: string;
  sha256: string;
  /** 'model' or 'test-set', for messages. */
  label: string;
  log: ArtifactLog;
}

/** Saves a verified download under its sha256; failing to is a warning. */
async function saveToRemoteCache(save: RemoteCacheEntry): Promise<void> {
  const { remoteCache, file, sha256, label, log } = save;
  const key = artifactCacheKey(sha256);
  try {
    await remoteCache.save([file], key);
  } catch (error) {
    log.warning(`could not save the ${label} to the Actions cache (${key}): ${errorMessage(error)}`);
  }
}

/**
 * Restores `file` from the remote cache and checks its sha256; true when it is there and right.
 * The path restored is the one saved (the cache keys entries by path too), so both use `file`.
 */
async function restoreFromRemoteCache(restore: RemoteCacheEntry): Promise<boolean> {
  const { remoteCache, file, sha256, label, log } = restore;
  const key = artifactCacheKey(sha256);
  await mkdir(path.dirname(file), { recursive: true });
  try {
    if ((await remoteCache.restore([file], key)) === undefined) return false;
  } catch (error) {
    log.warning(`could not restore the ${label} from the Actions cache (${key}): ${errorMessage(error)}`);
    return false;
  }
  if (!existsSync(file)) return false;
  if ((await hashFile(file)).sha256 !== sha256) {
    log.warning(
      `the ${label} restored from the Actions cache (${key}) does not match its sha256; downloading it`,
    );
    await rm(file, { force: true });
    return false;
  }
  log.info(`the ${label} was restored from the Actions cache (${key}); nothing downloaded`);
  return true;
}

async function checkLocal(
  source: Extract<ArtifactSource, { kind: 'path' }>,
  label: string,
): Promise<FetchedArtifact> {
  const { path: file, sha256, origin } = source;
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    // The path is said once, and the blame goes to where it was given: the flag, or the config key.
    throw new InputError(`${label} not found: ${file}`, {
      code: 'E_FILE_NOT_FOUND',
      where: origin?.where,
      hint: origin
        ? `check ${origin.name} (relative paths start at ${origin.relativeTo})`
        : `check '${label}.path' in the config (relative paths start at the config file's folder)`,
    });
  }
  if (sha256 && !info.isFile()) {
    throw new InputError(`'${label}.sha256' is set, but ${file} is a folder: sha256 pins a single file`, {
      code: 'E_CONFIG_INVALID',
      where: file,
      hint: `remove '${label}.sha256': a test-set folder is pinned by its lock file (\`evalgate lock\`); or point '${label}.path' at a zip`,
    });
  }
  if (sha256) {
    const actual = (await hashFile(file)).sha256;
    if (actual !== sha256) {
      throw new InputError(`${label} does not match its pinned sha256: expected ${sha256}, got ${actual}`, {
        code: 'E_ARTIFACT_CHECKSUM',
        where: file,
        hint: `if the file changed on purpose, update '${label}.sha256'`,
      });
    }
  }
  return { path: file, sha256, fromCache: false };
}

/** Unpacks a zip into `target`, refusing entries that would escape it (zip-slip). */
async function unpackZip(file: string, target: string): Promise<void> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await readFile(file)));
  } catch (error) {
    throw new InputError(`the test-set archive is not a readable zip: ${(error as Error).message}`, {
      code: 'E_TEST_SET_INVALID',
      where: file,
    });
  }
  const root = path.resolve(target);
  for (const name of Object.keys(entries)) {
    const destination = path.resolve(root, name);
    if (!destination.startsWith(root + path.sep) || name.split('/').includes('..')) {
      throw new InputError(`the test-set archive has an entry outside its folder: '${name}'`, {
        code: 'E_TEST_SET_INVALID',
        where: file,
      });
    }
  }
  await rm(target, { recursive: true, force: true });
  await rm(`${target}.complete`, { force: true });
  for (const [name, relative] of archiveLayout(Object.keys(entries))) {
    const destination = path.resolve(root, relative);
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(destination, entries[name]);
  }
  // The marker sits beside the folder, not in it, so it never becomes part of the test set.
  await writeFile(`${root}.complete`, '');
}

/**
 * Which archive entries become which files of the test set: entry name -> path inside the target.
 * Folder entries, `__MACOSX/` (macOS resource forks) and hidden files or folders are skipped. When
 * every remaining file sits under one top-level folder (`zip -r test.zip test/`), that folder is
 * stripped, unless its files are all images directly in it: that is a one-class image folder, whose
 * folder is its class.
 */
export function archiveLayout(names: string[]): Array<[string, string]> {
  const files: Array<[name: string, parts: string[]]> = [];
  for (const name of names) {
    if (name.endsWith('/')) continue;
    const parts = name.split('/').filter((part) => part !== '' && part !== '.');
    if (!parts.some((part) => part === '__MACOSX' || isHiddenName(part))) files.push([name, parts]);
  }
  const top = files[0]?.[1][0];
  const underOneFolder =
    top !== undefined && files.every(([, parts]) => parts.length > 1 && parts[0] === top);
  const oneClassFolder = files.every(([, parts]) => parts.length === 2 && isImageFileName(parts[1]));
  const strip = underOneFolder && !oneClassFolder ? 1 : 0;
  return files.map(([name, parts]) => [name, parts.slice(strip).join('/')]);
}

function safeFileName(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop() ?? 'download';
  const cleaned = last.replace(/[^A-Za-z0-9._-]/g, '_');
  return cleaned.length > 0 && cleaned !== '.' && cleaned !== '..' ? cleaned : 'download';
}
