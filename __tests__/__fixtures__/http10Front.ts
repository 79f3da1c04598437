/**
 * An HTTP/1.0 front end for a local server (usually the fake GitHub API of fakeGitHub.ts), as
 * some proxies and GitHub Enterprise front ends are: a raw node:net server that reads one request
 * per connection, forwards it to the server behind it, and answers `HTTP/1.0 <status>` with
 * `Connection: close`, no Content-Length (the body ends when the connection does) and then ends
 * the socket. The whole answer is written at once and followed by the FIN, so a client sees the
 * body and the end of the connection together: what made undici 6 crash with an uncatchable
 * `AssertionError: assert(!this.paused)` (nodejs/undici#5360) when the body was larger than its
 * stream's buffer. All of the fake's routes, faults and state are reused as they are.
 * Plain module: no vitest import.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface Http10FrontOptions {
  /** Also send Content-Length (default false: the body is delimited by the end of the connection). */
  contentLength?: boolean;
}

export interface Http10Front {
  /** Base URL, e.g. http://127.0.0.1:12345 (no trailing slash): use it as GITHUB_API_URL. */
  url: string;
  /** Requests answered so far, as `METHOD path`. */
  answered: string[];
  close(): Promise<void>;
}

/** Hop-by-hop headers and framing, which the front end sets itself. */
const DROPPED = new Set(['connection', 'keep-alive', 'content-length', 'transfer-encoding', 'host']);

interface ParsedRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** One request from the bytes read so far, or null when more are needed. */
function parseRequest(buffer: Buffer): ParsedRequest | null | 'bad' {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [requestLine = '', ...headerLines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const [method, target] = requestLine.split(' ');
  if (!method || !target) return 'bad';
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  // Clients send request bodies (JSON) with a length; a chunked body is not spoken here.
  if (headers['transfer-encoding'] !== undefined) return 'bad';
  const length = Number(headers['content-length'] ?? 0);
  const body = buffer.subarray(end + 4);
  if (body.length < length) return null;
  return { method, target, headers, body: body.subarray(0, length) };
}

export async function startHttp10Front(upstreamUrl: string, options: Http10FrontOptions = {}): Promise<Http10Front> {
  const upstream = new URL(upstreamUrl);
  const answered: string[] = [];
  const sockets = new Set<net.Socket>();

  const answer = (socket: net.Socket, status: number, headers: http.IncomingHttpHeaders, body: Buffer) => {
    const lines = [`HTTP/1.0 ${status} ${http.STATUS_CODES[status] ?? 'Unknown'}`];
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || DROPPED.has(name)) continue;
      for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
    }
    if (options.contentLength) lines.push(`Content-Length: ${body.length}`);
    lines.push('Connection: close', '', '');
    // Head, body and FIN in one go.
    socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    let handled = false;
    socket.on('data', (chunk: Buffer) => {
      if (handled) return;
      buffer = Buffer.concat([buffer, chunk]);
      const request = parseRequest(buffer);
      if (request === null) return;
      handled = true;
      if (request === 'bad') {
        answer(socket, 400, { 'content-type': 'text/plain' }, Buffer.from('bad request'));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (!DROPPED.has(name)) headers[name] = value;
      }
      if (request.body.length > 0) headers['content-length'] = String(request.body.length);
      const forwarded = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.target,
          headers,
          agent: false,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (data: Buffer) => chunks.push(data));
          response.on('end', () => {
            answered.push(`${request.method} ${request.target.split('?')[0]}`);
            const status = response.statusCode ?? 502;
            // 204 and 304 have no body by definition.
            const body = status === 204 || status === 304 ? Buffer.alloc(0) : Buffer.concat(chunks);
            answer(socket, status, response.headers, body);
          });
        },
      );
      forwarded.on('error', (error) => {
        answer(socket, 502, { 'content-type': 'text/plain' }, Buffer.from(`upstream failed: ${error.message}`));
      });
      forwarded.end(request.body);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
