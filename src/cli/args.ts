/** Flag parsing shared by the commands: node's parseArgs with errors turned into usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { nearest } from '../config/suggest.js';
import { InputError } from '../shared/errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends Options>(
  command: string,
  argv: string[],
  options: T,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const suggestion = unknown ? nearest(unknown.replace(/^-+/, ''), Object.keys(options)) : undefined;
    throw new InputError(
      unknown
        ? `unknown option '${unknown}' for 'evalgate ${command}'${suggestion ? `; did you mean '--${suggestion}'?` : ''}`
        : `${message.split('\n')[0]}`,
      { code: 'E_USAGE', hint: `see: evalgate ${command} --help` },
    );
  }
}

export function parsePositiveInt(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n <= 0 || n > max) {
    throw new InputError(`--${flag} must be a whole number from 1 to ${max}, got '${value}'`, {
      code: 'E_USAGE',
    });
  }
  return n;
}

export function parseFraction(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InputError(`--${flag} must be a number between 0 and 1, got '${value}'`, { code: 'E_USAGE' });
  }
  return n;
}
