import { describe, expect, it } from 'vitest';
import { encodeRepositoryPath, readFileAtCommit } from '../../src/github/repositoryFile.js';
import { BASE_SHA, HEAD_SHA, OWNER, REPO, testClient, useFakeGitHub } from '../helpers/githubTestClient.js';

const fake = useFakeGitHub();

/** `path` of OWNER/REPO at the base commit, through a test client. */
const readAt = (path: string) =>
  readFileAtCommit(testClient(fake()).client, { owner: OWNER, repo: REPO, path, ref: BASE_SHA });

describe('readFileAtCommit', () => {
  it('reads the file as it is at the given commit, not at another', async () => {
    fake().setFile(BASE_SHA, 'baselines/report.json', '{"base":true}');
    fake().setFile(HEAD_SHA, 'baselines/report.json', '{"base":false}');
    const content = await readAt('baselines/report.json');
    expect(content?.toString('utf8')).toBe('{"base":true}');
    const [request] = fake().requests;
    expect(request.query).toEqual({ ref: BASE_SHA });
    expect(request.headers['accept']).toBe('application/vnd.github.raw+json');
    expect(request.rawPath).toBe(`/repos/${OWNER}/${REPO}/contents/baselines/report.json`);
  });

  it('returns binary content byte for byte even when served with a utf-8 charset', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256));
    fake().setFile(BASE_SHA, 'models/model.onnx', bytes);
    const content = await readAt('models/model.onnx');
    expect(content?.equals(bytes)).toBe(true);
  });

  it('reads files larger than the 1 MB JSON limit through the raw media type', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
    fake().setFile(BASE_SHA, 'big.bin', bytes);
    const content = await readAt('big.bin');
    expect(content?.length).toBe(bytes.length);
  });

  it('returns null for a file missing at that commit', async () => {
    fake().setFile(HEAD_SHA, 'new.json', '{}');
    expect(await readAt('new.json')).toBeNull();
  });

  it('encodes spaces, # and unicode in the path and keeps the slashes', async () => {
    const path = 'eval data/résultats #1/report ✓.json';
    fake().setFile(BASE_SHA, path, 'ok');
    const content = await readAt(path);
    expect(content?.toString()).toBe('ok');
    expect(fake().requests[0].rawPath).toBe(
      `/repos/${OWNER}/${REPO}/contents/eval%20data/r%C3%A9sultats%20%231/report%20%E2%9C%93.json`,
    );
  });

  it('surfaces errors other than 404', async () => {
    fake().setFile(BASE_SHA, 'a.json', '{}');
    fake().failNext('GET', '/contents/a.json', 403);
    await expect(readAt('a.json')).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe('encodeRepositoryPath', () => {
  it('drops ./ and leading slashes and refuses ..', () => {
    expect(encodeRepositoryPath('./a/b.json')).toBe('a/b.json');
    expect(encodeRepositoryPath('/a//b.json')).toBe('a/b.json');
    expect(() => encodeRepositoryPath('../secret')).toThrow('leaves the repository');
    expect(() => encodeRepositoryPath('./')).toThrow('is not a file path');
  });
});
