/**
 * A stand-in for @actions/core in in-process action tests (`vi.mock('@actions/core', ...)`):
 * inputs come from `fakeCore.inputs`, and outputs, annotations, logs, the summary and the failure
 * are recorded instead of written to the runner's files.
 */
export const fakeCore = {
  inputs: {} as Record<string, string>,
  outputs: {} as Record<string, string>,
  failed: null as string | null,
  /** Values masked with setSecret. */
  secrets: [] as string[],
  summary: '',
  log: [] as Array<{
    level: 'debug' | 'info' | 'notice' | 'warning' | 'error';
    message: string;
    title?: string;
  }>,
  reset(inputs: Record<string, string>) {
    this.inputs = inputs;
    this.outputs = {};
    this.failed = null;
    this.secrets = [];
    this.summary = '';
    this.log = [];
  },
  messages(level: 'info' | 'notice' | 'warning' | 'error'): string[] {
    return this.log.filter((entry) => entry.level === level).map((entry) => entry.message);
  },
};

const text = (message: string | Error) => (message instanceof Error ? message.message : message);

/** The module that replaces @actions/core. */
export const coreModule = {
  getInput: (name: string) => (fakeCore.inputs[name] ?? '').trim(),
  setOutput: (name: string, value: unknown) => {
    fakeCore.outputs[name] = String(value);
  },
  setSecret: (secret: string) => {
    fakeCore.secrets.push(secret);
  },
  setFailed: (message: string | Error) => {
    fakeCore.failed = text(message);
  },
  debug: (message: string) => fakeCore.log.push({ level: 'debug', message }),
  info: (message: string) => fakeCore.log.push({ level: 'info', message }),
  notice: (message: string | Error, properties?: { title?: string }) =>
    fakeCore.log.push({ level: 'notice', message: text(message), title: properties?.title }),
  warning: (message: string | Error, properties?: { title?: string }) =>
    fakeCore.log.push({ level: 'warning', message: text(message), title: properties?.title }),
  error: (message: string | Error, properties?: { title?: string }) =>
    fakeCore.log.push({ level: 'error', message: text(message), title: properties?.title }),
  summary: {
    addRaw(raw: string) {
      fakeCore.summary += raw;
      return this;
    },
    async write() {
      return this;
    },
  },
};
