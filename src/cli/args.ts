/**
 * The command line of one command: its operands, and its options (`--name value` or
 * `--name=value`, or a flag). Anything else is a {@link CliError} naming it.
 */
import { CliError } from './errors';

export interface ParsedArgs {
  operands: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

export interface ArgSpec {
  /** Options that take a value, without the leading `--`. */
  valued?: readonly string[];
  /** Options that take none. */
  flags?: readonly string[];
}

export function parseArgs(command: string, args: readonly string[], spec: ArgSpec): ParsedArgs {
  const valued = new Set(spec.valued ?? []);
  const flagNames = new Set(['help', ...(spec.flags ?? [])]);
  const parsed: ParsedArgs = { operands: [], options: new Map(), flags: new Set() };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      parsed.operands.push(...args.slice(index + 1));
      break;
    }
    if (arg === '-h') {
      parsed.flags.add('help');
      continue;
    }
    if (!arg.startsWith('--')) {
      parsed.operands.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    if (flagNames.has(name) && equals === -1) {
      parsed.flags.add(name);
    } else if (valued.has(name)) {
      const value = equals === -1 ? args[++index] : arg.slice(equals + 1);
      if (value === undefined || value === '') throw new CliError(`${command}: --${name} needs a value`);
      parsed.options.set(name, value);
    } else {
      throw new CliError(`${command}: unknown option ${arg} (see leakguard ${command} --help)`);
    }
  }
  return parsed;
}
