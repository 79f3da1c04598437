/**
 * The result folder handed from the evaluate job to the publish job (fork-safe two-stage pattern):
 * output-dir with report.json, comment.md, verdict.json and, on pull requests, pull-request.json.
 *
 * In publish mode everything in it is UNTRUSTED: it was produced by a job that ran the pull
 * request's code (which may have edited the workflow itself). So each file is size-limited and
 * shape-checked, the comment must start with evalgate's marker, and the pull request it names is
 * checked against the workflow_run event and the API before anything is posted.
 */
import { isJsonObject } from '../shared/valueChecks.js';
import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, isErrorCode } from '../shared/errors.js';
import { GITHUB_COMMENT_LIMIT } from '../shared/githubLimits.js';
import { commentMarker } from '../render/markdown.js';
import { Inputs, ResultFiles } from './constants.js';
import { countOf } from '../shared/plural.js';

/** What the publish job needs to know about the pull request the result belongs to. */
export interface PullRequestRecord {
  number: number;
  /** The commit evaluated (the pull request's head when the evaluate job ran). */
  headSha: string;
  baseSha: string;
  /** `owner/name` of the base repository. */
  repository: string;
  /** Scopes the comment marker; the evaluate job's key, so both stages update the same comment. */
  commentKey: string;
  /** The evaluate job's `baseline-source` output, passed on to the publish job's. */
  baselineSource?: string;
}

export function pullRequestRecordJson(record: PullRequestRecord): string {
  return `${JSON.stringify(record, null, 1)}\n`;
}

/** The parts of verdict.json that publish mode relies on. */
export interface PublishedVerdict {
  passed: boolean;
  failures: Array<{ gate: string; subject?: string; message: string }>;
  warnings: Array<{ gate: string; subject?: string; message: string }>;
}

export interface ResultDir {
  dir: string;
  comment: string;
  verdict: PublishedVerdict;
  pullRequest: PullRequestRecord;
  /** Paths of the files, for the outputs (report.json may be absent). */
  files: { report: string | null; comment: string };
}

/** Size limits (bytes): the comment fits GitHub's limit in UTF-8 at 4 bytes a character at most. */
const MAX_BYTES = {
  comment: GITHUB_COMMENT_LIMIT * 4,
  verdict: 32 * 1024 * 1024,
  pullRequest: 64 * 1024,
};

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export function readResultDir(dir: string): ResultDir {
  const pullRequest = parsePullRequestRecord(
    parseJson(readLimited(dir, ResultFiles.pullRequest, MAX_BYTES.pullRequest), ResultFiles.pullRequest),
  );
  const comment = readLimited(dir, ResultFiles.comment, MAX_BYTES.comment);
  const marker = commentMarker(pullRequest.commentKey);
  if (!comment.startsWith(`${marker}\n`)) {
    throw invalid(ResultFiles.comment, `does not start with evalgate's marker ${marker}`);
  }
  if (comment.length > GITHUB_COMMENT_LIMIT) {
    throw invalid(
      ResultFiles.comment,
      `is ${comment.length} characters, more than GitHub's ${GITHUB_COMMENT_LIMIT}`,
    );
  }
  const verdict = parseVerdict(
    parseJson(readLimited(dir, ResultFiles.verdict, MAX_BYTES.verdict), ResultFiles.verdict),
  );
  const report = path.join(dir, ResultFiles.report);
  return {
    dir,
    comment,
    verdict,
    pullRequest,
    files: { report: isPlainFile(report) ? report : null, comment: path.join(dir, ResultFiles.comment) },
  };
}

function invalid(file: string, problem: string): InputError {
  return new InputError(`${file} in the result folder ${problem}`, {
    code: 'E_RESULT_INVALID',
    where: Inputs.resultDir,
    hint: 'result-dir must be the evaluate job’s output-dir as uploaded (actions/upload-artifact), unmodified, from a pull_request run of evalgate',
  });
}

function isPlainFile(file: string): boolean {
  try {
    return lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/** A plain file (not a link: an artifact could point one at a runner file), at most `limit` bytes. */
function readLimited(dir: string, name: string, limit: number): string {
  const file = path.join(dir, name);
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(file);
  } catch {
    throw invalid(name, `is missing (looked for ${file})`);
  }
  if (!stats.isFile()) throw invalid(name, 'is not a plain file');
  if (stats.size > limit) throw invalid(name, `is ${stats.size} bytes, more than the ${limit} allowed`);
  return readFileSync(file, 'utf8');
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalid(name, `is not valid JSON (${(error as Error).message})`);
  }
}

function parsePullRequestRecord(data: unknown): PullRequestRecord {
  const name = ResultFiles.pullRequest;
  if (!isJsonObject(data)) throw invalid(name, 'is not a JSON object');
  const { number, headSha, baseSha, repository, commentKey, baselineSource } = data;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) {
    throw invalid(name, 'has no valid number (a positive integer)');
  }
  if (typeof headSha !== 'string' || !SHA.test(headSha)) throw invalid(name, 'has no valid headSha');
  if (typeof baseSha !== 'string' || !SHA.test(baseSha)) throw invalid(name, 'has no valid baseSha');
  if (typeof repository !== 'string' || !REPOSITORY.test(repository)) {
    throw invalid(name, 'has no valid repository (owner/name)');
  }
  if (typeof commentKey !== 'string' || commentKey.length > 200 || /[\r\n]/.test(commentKey)) {
    throw invalid(name, 'has no valid commentKey (one line of at most 200 characters)');
  }
  if (baselineSource !== undefined && (typeof baselineSource !== 'string' || baselineSource.length > 600)) {
    throw invalid(name, 'has an invalid baselineSource (a string of at most 600 characters)');
  }
  return {
    number,
    headSha,
    baseSha,
    repository,
    commentKey,
    ...(baselineSource === undefined ? {} : { baselineSource: baselineSource.replace(/[\r\n]/g, ' ') }),
  };
}

const MAX_GATES = 100_000;

function parseGateList(value: unknown, field: string): PublishedVerdict['failures'] {
  const name = ResultFiles.verdict;
  if (value === undefined && field === 'warnings') return [];
  if (!Array.isArray(value) || value.length > MAX_GATES) throw invalid(name, `has no valid ${field} list`);
  return value.map((item, i) => {
    if (!isJsonObject(item) || typeof item.gate !== 'string' || typeof item.message !== 'string') {
      throw invalid(name, `has an invalid ${field}[${i}] (gate and message must be strings)`);
    }
    if (item.subject !== undefined && typeof item.subject !== 'string') {
      throw invalid(name, `has an invalid ${field}[${i}].subject`);
    }
    return {
      gate: item.gate.slice(0, 200),
      ...(item.subject === undefined ? {} : { subject: item.subject.slice(0, 200) }),
      message: item.message.slice(0, 2000),
    };
  });
}

export function parseVerdict(data: unknown): PublishedVerdict {
  const name = ResultFiles.verdict;
  if (!isJsonObject(data)) throw invalid(name, 'is not a JSON object');
  if (isJsonObject(data.error)) {
    const code = isErrorCode(data.error.code) ? ` (${data.error.code})` : '';
    throw invalid(name, `records an error of the evaluate job${code}, not a verdict: see that job's log`);
  }
  if (typeof data.passed !== 'boolean') throw invalid(name, 'has no passed (true or false)');
  const failures = parseGateList(data.failures, 'failures');
  // A result that claims to pass with failed gates (or the reverse) was not written by evalgate.
  if (data.passed !== (failures.length === 0)) {
    throw invalid(name, `says passed: ${data.passed} with ${countOf(failures.length, 'failed gate')}`);
  }
  return { passed: data.passed, failures, warnings: parseGateList(data.warnings, 'warnings') };
}
