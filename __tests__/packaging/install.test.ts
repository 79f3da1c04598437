// evalgate is installed the way a user installs a dev tool (docs/cli.md, "Install the CLI"): the
// tarball `npm pack` makes (a release attaches it) or a git URL of this repository, into the user's
// own project, then `npx --no-install evalgate`. These tests do exactly that, offline, in a scratch
// project outside this repository, and run the bundled example there.
//
// Offline, from the npm cache that `npm ci` filled (CI runs `npm ci` first, on a clean clone): npm 11's
// `npm install` asks the registry for each new dependency's full packument, while `npm ci` caches only
// the abbreviated one, so in an empty project `npm install --offline <tarball>` stops at
// onnxruntime-node with ENOTCACHED. The scratch project therefore starts with a package-lock.json
// holding the entries this repository's package-lock.json has for onnxruntime-node and its own
// dependencies (versions and integrity hashes, all in the cache), and then runs the user's command,
// `npm install --offline --save-dev <tarball>`, which takes them from there. (Online, a user's install
// resolves onnxruntime-node 1.30.0 from the registry and its dependencies within their ranges.)
// Without those packages in the cache the tests are skipped and say so.
//
// The tarball is packed from the working tree, so it holds whatever dist/cli/ is there.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const projectPackage = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  private?: boolean;
  bin: Record<string, string>;
  files: string[];
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};
interface LockEntry {
  version: string;
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}
const projectLock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** The lock entries of what installing evalgate installs: its runtime dependencies and theirs. */
const runtimeEntries = Object.entries(projectLock.packages).filter(
  ([key, entry]) => key.startsWith('node_modules/') && !entry.dev && !entry.devOptional,
);
const runtimePackages = runtimeEntries.map(
  ([key, entry]) => `${key.split('node_modules/').pop()}@${entry.version}`,
);

/**
 * npm's environment without what `npm test` passes down (npm_config_* of this repository's .npmrc,
 * npm_package_*, npm_lifecycle_*), so that the scratch project's own settings decide. The cache and
 * the user config stay where the parent npm has them.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|userconfig)$/i.test(key)) continue;
    if (/^ONNXRUNTIME_NODE_INSTALL/.test(key)) continue;
    env[key] = value;
  }
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): Run {
  const result = spawnSync(command, args, { cwd, env: npmEnv(), encoding: 'utf8', timeout: timeoutMs });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function describeRun(what: string, result: Run): string {
  return `${what} exited ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/** Scratch folders, removed after the file's tests: a git install leaves a clone's full node_modules. */
const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** The runtime packages that are not in the npm cache (`npm cache ls` lists the cached ones). */
function missingFromCache(): string[] {
  const listed = run('npm', ['cache', 'ls', ...runtimePackages], repoRoot, 60_000).stdout;
  return runtimePackages.filter((spec) => {
    const at = spec.lastIndexOf('@');
    const name = spec.slice(0, at);
    const file = `${name.split('/').pop()}-${spec.slice(at + 1)}.tgz`;
    return !listed.includes(`/${name}/-/${file}`);
  });
}

const missing = missingFromCache();
const skipReason = `skipped: the npm cache lacks ${missing.join(', ')}; run \`npm ci\` first (it fills the cache)`;
if (missing.length > 0) console.warn(`install.test.ts: ${skipReason}`);

/**
 * An empty project of a user, outside this repository: package.json with the documented settings that
 * skip onnxruntime-node's download of the CUDA provider, and the lock seeded with the runtime entries.
 */
function scratchProject(): string {
  const dir = tempDir('evalgate-scratch-');
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify(
      { name: 'scratch', version: '1.0.0', private: true, allowScripts: { 'onnxruntime-node': false } },
      null,
      2,
    )}\n`,
  );
  writeFileSync(path.join(dir, '.npmrc'), 'onnxruntime-node-install=skip\n');
  const packages: Record<string, unknown> = { '': { name: 'scratch', version: '1.0.0' } };
  for (const [key, entry] of runtimeEntries) packages[key] = entry;
  writeFileSync(
    path.join(dir, 'package-lock.json'),
    `${JSON.stringify({ name: 'scratch', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
  return dir;
}

/** Packs the working tree into a temporary folder; returns the tarball and npm's list of its files. */
function pack(): { tarball: string; files: string[] } {
  const dest = tempDir('evalgate-pack-');
  const result = run('npm', ['pack', '--json', '--pack-destination', dest], repoRoot, 120_000);
  expect(result.status, describeRun('npm pack', result)).toBe(0);
  const [packed] = JSON.parse(result.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: path.join(dest, packed.filename), files: packed.files.map((f) => f.path).sort() };
}

/** `npm install --offline --save-dev <spec>` in the scratch project, as a user types it (offline). */
function installInto(dir: string, spec: string, timeoutMs: number): void {
  const result = run('npm', ['install', '--offline', '--save-dev', spec], dir, timeoutMs);
  expect(result.status, describeRun(`npm install --offline --save-dev ${spec}`, result)).toBe(0);
}

/** Runs the bundled example with the installed CLI; checks both verdicts and where the CLI came from. */
function runBundledExample(dir: string): void {
  // Only the runtime closure and evalgate itself: everything else is inside the bundle.
  const installed = readdirSync(path.join(dir, 'node_modules'))
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) =>
      name.startsWith('@')
        ? readdirSync(path.join(dir, 'node_modules', name)).map((n) => `${name}/${n}`)
        : [name],
    )
    .sort();
  const topLevel = runtimeEntries
    .map(([key]) => /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key)?.[1])
    .filter((name) => name !== undefined);
  expect(installed).toEqual(['evalgate', ...topLevel].sort());
  // The bin npx runs is the installed package's, not this repository's.
  const bin = realpathSync(path.join(dir, 'node_modules', '.bin', 'evalgate'));
  expect(bin).toBe(realpathSync(path.join(dir, 'node_modules', 'evalgate', 'bin', 'evalgate.js')));
  // The download of the CUDA provider was skipped (linux/x64 is the platform it exists for).
  const cudaProvider = path.join(
    dir,
    'node_modules',
    'onnxruntime-node',
    'bin',
    'napi-v6',
    'linux',
    'x64',
    'libonnxruntime_providers_cuda.so',
  );
  expect(existsSync(cudaProvider)).toBe(false);

  const example = path.join(dir, 'example');
  cpSync(path.join(repoRoot, 'examples', 'digits'), example, { recursive: true });
  const good = run(
    'npx',
    ['--no-install', 'evalgate', 'run', '--config', 'evalgate.yml', '--out', 'out-good'],
    example,
    240_000,
  );
  expect(good.status, describeRun('npx --no-install evalgate run (model.onnx)', good)).toBe(0);
  expect(good.stdout).toMatch(/PASSED/);
  const report = JSON.parse(readFileSync(path.join(example, 'out-good', 'report.json'), 'utf8')) as {
    tool: { version: string };
  };
  expect(report.tool.version).toBe(projectPackage.version);

  const regressed = run(
    'npx',
    [
      '--no-install',
      'evalgate',
      'run',
      '--config',
      'evalgate.yml',
      '--model',
      'model-regressed.onnx',
      '--out',
      'out-regressed',
    ],
    example,
    240_000,
  );
  expect(
    regressed.status,
    describeRun('npx --no-install evalgate run (model-regressed.onnx)', regressed),
  ).toBe(1);
  expect(regressed.stdout).toMatch(/FAILED/);
}

describe('the package: what `npm pack` puts in the tarball', () => {
  it('holds the CLI bundle, its bin, the schemas and licenses, and nothing of the sources or the action', () => {
    const { files } = pack();
    for (const file of [
      'package.json',
      'README.md',
      'bin/evalgate.js',
      'dist/cli/index.js',
      'dist/cli/package.json',
      'dist/cli/sourcemap-register.cjs',
      'dist/cli/licenses.txt',
      'LICENSE',
      'schema/evalgate.schema.json',
    ])
      expect(files).toContain(file);
    const unexpected = files.filter(
      (file) =>
        !/^(package\.json|README\.md|LICENSE(\.\w+)?|bin\/[^/]+\.js|dist\/cli\/[^/]+|schema\/[^/]+\.json)$/.test(
          file,
        ),
    );
    expect(unexpected).toEqual([]);
  });

  it('decides on every install script of its dependencies (npm 11 warns about each one that is not in allowScripts)', () => {
    const withScripts = Object.entries(projectLock.packages)
      .filter(([key, entry]) => key !== '' && entry.hasInstallScript === true)
      .map(([key]) => key.split('node_modules/').pop()!);
    expect(withScripts).toContain('onnxruntime-node');
    expect(withScripts.filter((name) => projectPackage.allowScripts?.[name] === undefined)).toEqual([]);
    // onnxruntime-node's would download the CUDA provider from NuGet; .npmrc skips it for older npm.
    expect(projectPackage.allowScripts?.['onnxruntime-node']).toBe(false);
    expect(readFileSync(path.join(repoRoot, '.npmrc'), 'utf8')).toMatch(/^onnxruntime-node-install=skip$/m);
  });

  it('needs no build step when installed: no install or prepare script of its own', () => {
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare', 'prepack'])
      expect(projectPackage.scripts[script], script).toBeUndefined();
  });

  it('depends at run time on onnxruntime-node alone: every other package the CLI imports is in its bundle', () => {
    expect(projectPackage.dependencies).toEqual({ 'onnxruntime-node': expect.any(String) });
    // ncc leaves externals as createRequire(import.meta.url)("name") or `await import("name")`.
    const bundle = readFileSync(path.join(repoRoot, 'dist', 'cli', 'index.js'), 'utf8');
    const required = new Set(
      [...bundle.matchAll(/createRequire\(import\.meta\.url\)\("([^"]+)"\)|\bimport\("([^".][^"]*)"\)/g)].map(
        (m) => (m[1] ?? m[2]).replace(/^node:/, ''),
      ),
    );
    expect(required.has('fs')).toBe(true);
    const external = [...required].filter((name) => !builtinModules.includes(name.split('/')[0]));
    expect(external.every((name) => name in projectPackage.dependencies)).toBe(true);
    // The runtime is loaded by its package folder at run time (src/runtime/loadOnnxRuntime.ts).
    expect(bundle).toContain("'onnxruntime-node'");
  });

  it('states the Node versions it runs on, and every locked dependency supports the oldest of them (no EBADENGINE on `npm ci`)', () => {
    // Node 20 is the project's Node (.node-version, CI). 20.19 is the oldest 20.x that every locked
    // package accepts (vite and entities, development only, ask for it); content-type 3, which
    // @octokit/request asks for, wants Node 22 and is overridden to 2.1.0, the same parser as CommonJS.
    expect(projectPackage.engines.node).toBe('>=20.19');
    expect(readFileSync(path.join(repoRoot, '.node-version'), 'utf8').trim()).toBe('20');
    // semver is installed with onnxruntime-node (global-agent's dependency), so always present.
    const semver = createRequire(import.meta.url)('semver') as {
      minVersion(range: string): { version: string } | null;
      satisfies(version: string, range: string): boolean;
    };
    const oldest = semver.minVersion(projectPackage.engines.node)!.version;
    const unsupported = Object.entries(projectLock.packages)
      .filter(([key, entry]) => {
        const range = (entry.engines as { node?: string } | undefined)?.node;
        return key !== '' && range !== undefined && !semver.satisfies(oldest, range);
      })
      .map(
        ([key, entry]) => `${key}@${entry.version} wants node ${(entry.engines as { node: string }).node}`,
      );
    expect(unsupported, `Node ${oldest}`).toEqual([]);
    // `npm publish` refuses a private package: the name evalgate on the registry is not ours.
    expect(projectPackage.private).toBe(true);
    expect(projectPackage.bin).toEqual({ evalgate: 'bin/evalgate.js' });
  });
});

describe.skipIf(missing.length > 0)(
  `installing evalgate into an empty project, offline${missing.length > 0 ? ` (${skipReason})` : ''}`,
  () => {
    it('installs the `npm pack` tarball and runs the bundled example: model.onnx passes (exit 0), the regressed model fails (exit 1)', () => {
      const { tarball } = pack();
      const dir = scratchProject();
      installInto(dir, tarball, 240_000);
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      };
      expect(manifest.devDependencies.evalgate).toMatch(/^file:.*evalgate-\d+\.\d+\.\d+\.tgz$/);
      runBundledExample(dir);
    }, 600_000);

    it('installs from a git URL of this repository the same way (git+file:// of a commit of the working tree)', () => {
      // A repository holding what a commit of the working tree would hold (the files git tracks or
      // would track), so that the git install sees the same package.json and dist/ as `npm pack`.
      const source = tempDir('evalgate-git-');
      const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      expect(listed.status, listed.stderr).toBe(0);
      for (const file of listed.stdout.split('\0').filter(Boolean)) {
        const from = path.join(repoRoot, file);
        if (!existsSync(from)) continue; // deleted in the working tree
        mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
        cpSync(from, path.join(source, file));
      }
      const git = (...args: string[]) => {
        const result = run(
          'git',
          ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args],
          source,
          120_000,
        );
        expect(result.status, describeRun(`git ${args.join(' ')}`, result)).toBe(0);
        return result.stdout.trim();
      };
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'snapshot of the working tree');
      const commit = git('rev-parse', 'HEAD');

      const dir = scratchProject();
      // npm clones the commit and, because package.json has a `build` script, installs the clone's
      // own dependencies before packing it (pacote's git preparation; it runs no build): offline,
      // from the same cache. No `prepare` script, so nothing is built: dist/ is committed.
      installInto(dir, `git+file://${source}#${commit}`, 480_000);
      const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { resolved?: string }>;
      };
      expect(lock.packages['node_modules/evalgate'].resolved).toBe(`git+file://${source}#${commit}`);
      runBundledExample(dir);
    }, 900_000);
  },
);
