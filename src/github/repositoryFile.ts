/**
 * A file as it is at a given commit, read through the REST contents API, e.g. the baseline
 * report on the pull request's BASE commit, so a pull request cannot loosen its own baseline.
 *
 * The raw media type (`application/vnd.github.raw+json`) returns the bytes themselves and works
 * up to 100 MB (the JSON form stops at 1 MB). The body is taken as a stream and never decoded
 * as text, so binary files (a baseline model) arrive intact.
 * https://docs.github.com/en/rest/repos/contents#get-repository-content
 */
import type { GitHubClient } from './client.js';
import { isNotFoundError } from './errors.js';

export async function readFileAtCommit(
  client: GitHubClient,
  target: { owner: string; repo: string; path: string; ref: string },
): Promise<Buffer | null> {
  const route = `GET /repos/{owner}/{repo}/contents/${encodeRepositoryPath(target.path)}`;
  try {
    const response = await client.request(route, {
      owner: target.owner,
      repo: target.repo,
      ref: target.ref,
      headers: { accept: 'application/vnd.github.raw+json' },
      request: { parseSuccessResponseBody: false },
    });
    return await readBody(response.data);
  } catch (error) {
    if (isNotFoundError(error)) return null;
    throw error;
  }
}

/**
 * Encodes each segment of a repository path on its own: `/` stays a separator, while spaces,
 * `#`, `?`, `%` and non-ASCII characters are percent-encoded (UTF-8), as GitHub expects.
 * Leading `./` and slashes are dropped; `..` is refused (a path in the repository, not on disk).
 */
export function encodeRepositoryPath(path: string): string {
  const segments = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) throw new Error(`'${path}' is not a file path in the repository`);
  if (segments.includes('..')) {
    throw new Error(`'${path}' leaves the repository ('..'); give a path from the repository root`);
  }
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

async function readBody(data: unknown): Promise<Buffer> {
  if (data === null || data === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (typeof (data as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of data as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new Error('GitHub API returned an unreadable file body');
}
