// Static checks of every workflow we ship: the repository's own (.github/workflows/) and the ready
// examples users copy (docs/examples/). They protect the security rules of the conventions and keep
// the examples in step with action.yml.
//
// Pinning policy (decided here, stated in docs/action.md, "Permissions"): actions published by GitHub
// (`actions/*`, `github/*`) may be pinned to a major tag such as `@v5`, because GitHub maintains those
// tags; every other action must be pinned to a full 40-character commit SHA. The one exception is
// evalgate itself in docs/examples (`OWNER/evalgate@v1`), the placeholder users replace. Each action
// is used at one version across all files.
//
// Expressions in scripts: no `${{ ... }}` at all inside a `run:` script. Values reach scripts through
// `env:`, so that no event text (a branch name, a PR title) can ever become shell code.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

type Mapping = Record<string, unknown>;
interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  if?: string;
  'continue-on-error'?: boolean;
}
interface Job {
  name?: string;
  if?: string;
  'runs-on': string | string[];
  permissions?: Mapping | string;
  steps: Step[];
}
interface Workflow {
  file: string;
  example: boolean;
  name: string;
  on: Mapping;
  permissions: Mapping | string;
  jobs: Record<string, Job>;
}

function readWorkflows(folder: string, example: boolean): Workflow[] {
  const dir = path.join(repoRoot, folder);
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => {
      // uniqueKeys (the default) makes a duplicated key a parse error, as it is for GitHub.
      const parsed = parse(readFileSync(path.join(dir, file), 'utf8')) as Omit<Workflow, 'file' | 'example'>;
      return { ...parsed, file: `${folder}/${file}`, example };
    });
}

const workflows = [...readWorkflows('.github/workflows', false), ...readWorkflows('docs/examples', true)];

const actionYml = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description?: string; default?: string }>;
  outputs: Record<string, { description?: string }>;
};

/** `on:` may be a string, a list or a mapping; all three name the events. */
function events(workflow: Workflow): string[] {
  const on = workflow.on as unknown;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on as string[];
  return Object.keys(on as Mapping);
}

/** A step that runs evalgate: `./` in this repository, `<owner>/evalgate@<ref>` in the examples. */
function isEvalgateStep(step: Step): boolean {
  return step.uses === './' || /^[^/]+\/evalgate@/.test(step.uses ?? '');
}

/** Whether a job posts a PR comment: publish mode always; evaluate mode on pull_request unless `comment: false`. */
function jobComments(workflow: Workflow, job: Job): boolean {
  return job.steps.some((step) => {
    if (!isEvalgateStep(step)) return false;
    if (String(step.with?.mode ?? 'evaluate') === 'publish') return true;
    return events(workflow).includes('pull_request') && String(step.with?.comment ?? 'true') !== 'false';
  });
}

/** A GitHub expression as workflow text: `${{ <text> }}`. */
function expression(text: string): string {
  return `\${{ ${text} }}`;
}

function jobsOf(workflow: Workflow): Array<[string, Job]> {
  return Object.entries(workflow.jobs);
}

const allSteps = workflows.flatMap((workflow) =>
  jobsOf(workflow).flatMap(([jobId, job]) => job.steps.map((step) => ({ workflow, jobId, job, step }))),
);

describe('workflows and example workflows', () => {
  it('finds the repository workflows and every documented example', () => {
    const files = workflows.map((w) => w.file);
    expect(files).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/check-dist.yml',
        '.github/workflows/release.yml',
        'docs/examples/pr-gate.yml',
        'docs/examples/baseline-update.yml',
        'docs/examples/fork-safe-two-stage.yml',
        'docs/examples/fork-safe-two-stage-publish.yml',
        'docs/examples/self-hosted-gpu.yml',
        'docs/examples/scheduled-drift.yml',
      ]),
    );
    for (const workflow of workflows) {
      expect(workflow.name, workflow.file).toEqual(expect.any(String));
      expect(Object.keys(workflow.jobs).length, workflow.file).toBeGreaterThan(0);
    }
  });

  it('defaults every workflow to `contents: read` and nothing else at the top level', () => {
    for (const workflow of workflows)
      expect(workflow.permissions, workflow.file).toEqual({ contents: 'read' });
  });

  it('grants `pull-requests: write` to the commenting jobs, `contents: write` to the release job only, and no other write', () => {
    for (const workflow of workflows) {
      for (const [jobId, job] of jobsOf(workflow)) {
        const where = `${workflow.file} job ${jobId}`;
        const permissions = job.permissions ?? workflow.permissions;
        expect(typeof permissions, `${where}: use a mapping, not read-all/write-all`).toBe('object');
        const granted = permissions as Mapping;
        const writes = Object.entries(granted).filter(([, level]) => level === 'write');
        if (workflow.file === '.github/workflows/release.yml' && jobId === 'release') {
          // Creates the release, uploads the tarball and moves the major tag (release.test.ts).
          expect(writes, where).toEqual([['contents', 'write']]);
        } else if (jobComments(workflow, job)) {
          expect(writes, `${where} comments`).toEqual([['pull-requests', 'write']]);
        } else {
          expect(writes, `${where} does not comment`).toEqual([]);
        }
        for (const level of Object.values(granted)) expect(['read', 'write', 'none'], where).toContain(level);
      }
    }
  });

  it('puts no GitHub expression inside a run: script (values go through env:)', () => {
    for (const { workflow, jobId, step } of allSteps) {
      if (step.run === undefined) continue;
      expect(step.run, `${workflow.file} job ${jobId} step '${step.name ?? step.run}'`).not.toContain('${{');
    }
  });

  it('never uses pull_request_target (it runs fork code with a write token)', () => {
    for (const workflow of workflows)
      expect(events(workflow), workflow.file).not.toContain('pull_request_target');
  });

  it('pins GitHub-owned actions to a major tag or a SHA and every other action to a full commit SHA', () => {
    const versions = new Map<string, Set<string>>();
    for (const { workflow, step } of allSteps) {
      const uses = step.uses;
      if (uses === undefined || uses.startsWith('./')) continue;
      const where = `${workflow.file}: ${uses}`;
      expect(uses, where).not.toMatch(/^docker:\/\/(?!.*@sha256:[0-9a-f]{64}$)/);
      const match = /^([\w.-]+)\/([\w.-]+)(\/[^@]*)?@(.+)$/.exec(uses);
      expect(match, `${where}: expected owner/repo@ref`).not.toBeNull();
      const [, owner, repo, , ref] = match!;
      const fullSha = /^[0-9a-f]{40}$/.test(ref);
      const majorTag = /^v\d+(\.\d+){0,2}$/.test(ref);
      const githubOwned = owner === 'actions' || owner === 'github';
      const evalgatePlaceholder = workflow.example && repo === 'evalgate';
      if (githubOwned || evalgatePlaceholder) expect(fullSha || majorTag, where).toBe(true);
      else expect(fullSha, `${where}: third-party actions need a full commit SHA`).toBe(true);
      const action = `${owner}/${repo}`;
      versions.set(action, (versions.get(action) ?? new Set()).add(ref));
    }
    for (const [action, refs] of versions)
      expect([...refs], `${action} at one version everywhere`).toHaveLength(1);
  });

  it('examples are ready to paste but for the marked line that names the evalgate repository', () => {
    // The one edit a user makes: `OWNER/evalgate`, on the `uses:` line that says so with `# <-`.
    const marked =
      /^\s*- uses: OWNER\/evalgate@v1 # <- edit: the evalgate repository \(owner\/name\); to pin, see docs\/action\.md$/;
    for (const workflow of workflows.filter((w) => w.example)) {
      const text = readFileSync(path.join(repoRoot, workflow.file), 'utf8');
      const placeholderLines = text
        .split('\n')
        .filter((line) => /OWNER|# <-/.test(line.replace(/`# <-`/g, '')));
      const evalgateSteps = jobsOf(workflow).flatMap(([, job]) => job.steps.filter(isEvalgateStep));
      expect(evalgateSteps.length, workflow.file).toBeGreaterThan(0);
      expect(placeholderLines, workflow.file).toHaveLength(evalgateSteps.length);
      for (const line of placeholderLines) expect(line, workflow.file).toMatch(marked);
    }
  });

  it('passes evalgate only inputs that action.yml declares, with valid choices', () => {
    const declared = Object.keys(actionYml.inputs);
    const evalgateSteps = allSteps.filter(({ step }) => isEvalgateStep(step));
    expect(evalgateSteps.length).toBeGreaterThanOrEqual(8);
    for (const { workflow, jobId, step } of evalgateSteps) {
      const where = `${workflow.file} job ${jobId}`;
      for (const input of Object.keys(step.with ?? {}))
        expect(declared, `${where}: input '${input}'`).toContain(input);
      const withs = step.with ?? {};
      if (withs['baseline-source'] !== undefined)
        expect(['auto', 'repository', 'cache', 'model', 'none'], where).toContain(withs['baseline-source']);
      if (withs.mode !== undefined) expect(['evaluate', 'publish'], where).toContain(withs.mode);
      if (withs.mode === 'publish')
        expect(withs['result-dir'], `${where}: publish needs result-dir`).toBeTruthy();
    }
  });

  it('reads only outputs that action.yml declares from evalgate steps', () => {
    const declared = Object.keys(actionYml.outputs);
    for (const workflow of workflows) {
      for (const [jobId, job] of jobsOf(workflow)) {
        const evalgateIds = new Set(job.steps.filter(isEvalgateStep).map((s) => s.id));
        const text = JSON.stringify(job);
        for (const [, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          if (evalgateIds.has(id))
            expect(declared, `${workflow.file} job ${jobId}: ${id}.${output}`).toContain(output);
        }
      }
    }
  });

  it('runs self-hosted jobs for same-repository pull requests only', () => {
    for (const workflow of workflows) {
      if (!events(workflow).includes('pull_request')) continue;
      for (const [jobId, job] of jobsOf(workflow)) {
        const labels = ([] as string[]).concat(job['runs-on']);
        if (!labels.includes('self-hosted')) continue;
        expect(job.if ?? '(no if:)', `${workflow.file} job ${jobId}`).toMatch(
          /github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository/,
        );
      }
    }
  });
});

describe('ci.yml', () => {
  const ci = workflows.find((w) => w.file === '.github/workflows/ci.yml')!;
  const steps = jobsOf(ci).flatMap(([, job]) => job.steps);

  it('runs typecheck, lint, format check and the tests', () => {
    const scripts = steps.map((s) => s.run ?? '').join('\n');
    for (const command of ['npm run typecheck', 'npm run lint', 'npm run format:check', 'npm test'])
      expect(scripts).toContain(command);
  });

  it('runs the committed action on the example: the model must pass, the regressed model must fail', () => {
    const [good, regressed] = steps.filter((s) => s.uses === './');
    expect(good?.with?.model).toBeUndefined();
    expect(regressed?.with?.model).toBe('model-regressed.onnx');
    expect(regressed?.['continue-on-error']).toBe(true);
    const check = steps.find((s) =>
      Object.values(s.env ?? {}).some((v) => String(v).includes('outputs.verdict')),
    );
    expect(check?.env).toMatchObject({
      GOOD_VERDICT: expression(`steps.${good!.id}.outputs.verdict`),
      REGRESSED_VERDICT: expression(`steps.${regressed!.id}.outputs.verdict`),
    });
    expect(check?.run).toMatch(/"\$GOOD_VERDICT" = pass/);
    expect(check?.run).toMatch(/"\$REGRESSED_VERDICT" = fail/);
  });
});

describe('the fork-safe two-stage example', () => {
  const evaluate = workflows.find((w) => w.file === 'docs/examples/fork-safe-two-stage.yml')!;
  const publish = workflows.find((w) => w.file === 'docs/examples/fork-safe-two-stage-publish.yml')!;

  it('stage 2 is triggered by stage 1 by name, for pull-request runs only', () => {
    const trigger = publish.on.workflow_run as { workflows: string[]; types: string[] };
    expect(trigger.workflows).toEqual([evaluate.name]);
    expect(trigger.types).toEqual(['completed']);
    for (const [, job] of jobsOf(publish))
      expect(job.if).toContain("github.event.workflow_run.event == 'pull_request'");
  });

  it('stage 1 has no write permission and does not comment; stage 2 never checks out code', () => {
    for (const [, job] of jobsOf(evaluate)) {
      expect(Object.values(job.permissions as Mapping)).not.toContain('write');
      expect(job.steps.find(isEvalgateStep)?.with?.comment).toBe(false);
    }
    for (const [, job] of jobsOf(publish)) {
      expect(job.steps.map((s) => s.uses ?? '')).not.toContainEqual(expect.stringMatching(/checkout/));
      expect(job.steps.some((s) => s.run !== undefined)).toBe(false);
    }
  });

  it("stage 2 downloads stage 1's artifact by name from the triggering run into the folder it publishes", () => {
    const upload = jobsOf(evaluate)
      .flatMap(([, job]) => job.steps)
      .find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    const evaluateStep = jobsOf(evaluate)
      .flatMap(([, job]) => job.steps)
      .find(isEvalgateStep)!;
    expect(String(upload.with?.path).replace(/\/$/, '')).toBe(evaluateStep.with?.['output-dir']);

    const steps = jobsOf(publish).flatMap(([, job]) => job.steps);
    const download = steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({
      name: upload.with?.name,
      'run-id': expression('github.event.workflow_run.id'),
      'github-token': expression('github.token'),
    });
    expect(steps.find(isEvalgateStep)?.with).toMatchObject({
      mode: 'publish',
      'result-dir': download.with?.path,
    });
  });
});
