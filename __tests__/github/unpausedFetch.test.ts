// The GitHub client's fetch (src/github/client.ts, unpausedFetch): undici 6's HTTP/1 parser paused
// when a body waited to be read, and the end of the connection then killed the process with an
// uncatchable `AssertionError: assert(!this.paused)` (nodejs/undici#5360). Before the fix each of
// the first two tests crashed the test process instead of failing. The proxy test keeps what
// @actions/github's own fetch did: HTTP_PROXY / HTTPS_PROXY are honoured.
import net, { type AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient, unpausedFetch } from '../../src/github/client.js';
import { readFileAtCommit } from '../../src/github/repositoryFile.js';
import { type FakeGitHub, startFakeGitHub } from '../__fixtures__/fakeGitHub.js';
import { type Http10Front, startHttp10Front } from '../__fixtures__/http10Front.js';

const OWNER = 'acme';
const REPO = 'vision';
const REF = 'b'.repeat(40);
/**
 * Body sizes: above undici's 16 KB body buffer (Node 20's stream default), and below one 64 KB
 * socket read, so that the whole body and the end of the connection arrive in one read and the
 * parser pauses on the last byte: what crashed. 300 KB: several reads.
 */
const SIZES = [20_000, 40_000, 60_000, 300_000];
/** `n` bytes that are not text. */
const bytesOf = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919) % 256));
const BIG = bytesOf(40_000);

let fake: FakeGitHub;
let front: Http10Front;
beforeAll(async () => {
  fake = await startFakeGitHub();
  front = await startHttp10Front(fake.url);
  for (const size of SIZES) fake.setFile(REF, `models/${size}.onnx`, bytesOf(size));
  fake.setFile(REF, 'models/baseline.onnx', BIG);
});
afterAll(async () => {
  await front.close();
  await fake.close();
});

const client = (baseUrl: string) =>
  createGitHubClient({ token: fake.token, baseUrl, minRetryDelayMs: 1, log: { warn: () => {} } });

/** A server that answers every connection with HTTP/1.0, `body` and the end of the connection at once. */
async function http10Server(body: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.once('data', () => {
      socket.end(
        Buffer.concat([
          Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n'),
          body,
        ]),
      );
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the GitHub client behind an HTTP/1.0 front end that closes every connection', () => {
  it.each(SIZES)(
    'reads a file of %i bytes whose body ends with the connection, byte for byte',
    async (size) => {
      const bytes = await readFileAtCommit(client(front.url), {
        owner: OWNER,
        repo: REPO,
        path: `models/${size}.onnx`,
        ref: REF,
      });
      expect(bytes?.equals(bytesOf(size))).toBe(true);
      expect(front.answered).toContain(`GET /repos/${OWNER}/${REPO}/contents/models/${size}.onnx`);
    },
  );

  it('posts and lists comments through it', async () => {
    const github = client(front.url);
    await github.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 5,
      body: 'x'.repeat(60_000),
    });
    const { data } = await github.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 5 });
    expect(data.map((c) => c.body?.length)).toEqual([60_000]);
  });
});

describe('unpausedFetch', () => {
  it.each(SIZES)(
    'keeps a body of %i bytes that is read only later, after the server closed the connection',
    async (size) => {
      const body = bytesOf(size);
      const server = await http10Server(body);
      try {
        const response = await unpausedFetch(server.url)(`${server.url}/file`);
        // Nobody reads the body for a while: the parser must not sit paused when the FIN arrives.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
      } finally {
        await server.close();
      }
    },
  );
});

describe('unpausedFetch through a proxy', () => {
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('sends the requests through HTTP_PROXY, as @actions/github does', async () => {
    // A CONNECT proxy that sends every tunnel to the fake API, whatever host was asked for.
    const tunnels: string[] = [];
    const upstream = new URL(fake.url);
    const open = new Set<net.Socket>();
    const proxy = net.createServer((socket) => {
      open.add(socket);
      socket.once('data', (head: Buffer) => {
        const target = /^CONNECT (\S+) HTTP/.exec(head.toString('latin1'))?.[1];
        if (!target) {
          socket.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
          return;
        }
        tunnels.push(target);
        const out = net.connect(Number(upstream.port), upstream.hostname, () => {
          open.add(out);
          socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          socket.pipe(out).pipe(socket);
        });
        out.on('error', () => socket.destroy());
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      delete process.env.http_proxy;
      process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      // A host that does not resolve: only the proxy can reach it (loopback hosts bypass proxies).
      const github = client('http://api.github.invalid');
      const bytes = await readFileAtCommit(github, {
        owner: OWNER,
        repo: REPO,
        path: 'models/baseline.onnx',
        ref: REF,
      });
      expect(bytes?.equals(BIG)).toBe(true);
      expect(tunnels).toEqual(['api.github.invalid:80']);
    } finally {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});

describe('a raw body that is read after a garbage collection', () => {
  // Octokit hands `parseSuccessResponseBody: false` callers the body stream and drops the fetch
  // Response; undici cancels the stream of a fetch Response that is garbage-collected unread, so
  // a collection in between (a job that has just loaded a model) made baseline.json read as empty
  // in the built action ("not valid JSON"). The client reads every body at once (wholeBody).
  it('still holds every byte', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const response = await client(fake.url).request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: OWNER,
      repo: REPO,
      path: 'models/60000.onnx',
      ref: REF,
      headers: { accept: 'application/vnd.github.raw+json' },
      request: { parseSuccessResponseBody: false },
    });
    for (let i = 0; i < 3; i++) {
      collect();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response.data as unknown as AsyncIterable<Uint8Array>)
      chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).equals(bytesOf(60_000))).toBe(true);
  });
});
