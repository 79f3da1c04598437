/**
 * A plain-HTTP server on 127.0.0.1 that serves models and test sets for the tests of a file, started
 * before them and stopped after. Configs accept https URLs only, so `fetch` maps
 * `https://models.example.test/<path>` onto it; every request path is recorded in `requests`, which
 * lets a test show that a cached artifact was not downloaded again.
 */
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { FetchLike } from '../../src/artifacts/fetchArtifact.js';

/** The origin of the artifact URLs in test configs. */
export const ARTIFACT_ORIGIN = 'https://models.example.test';

/** A path's answer: its bytes (200), or a function that writes the response itself. */
export type ArtifactRoute = Buffer | ((res: ServerResponse) => void);

export interface LocalArtifactServer {
  /** Every request path, in order. */
  requests: string[];
  /** Fetches an ARTIFACT_ORIGIN URL from the local server. */
  fetch: FetchLike;
}

/** Serves `routes` (request path -> answer; anything else is 404) to the tests of the calling file. */
export function serveArtifacts(routes: Record<string, ArtifactRoute>): LocalArtifactServer {
  const requests: string[] = [];
  let server: Server | undefined;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const route = routes[req.url ?? ''];
      if (route === undefined) res.writeHead(404).end('not found');
      else if (typeof route === 'function') route(res);
      else res.writeHead(200, { 'content-length': route.length }).end(route);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));
  return { requests, fetch: (url) => fetch(url.replace(ARTIFACT_ORIGIN, base)) };
}
