import { defineProbe, type LeakItem, type ProbeContext, type ProbeInstance } from '../core/probe';
import { kindOf, type ItemKind } from './item-kinds';
import { anyOf, globMatcher, type Matcher } from './patterns';

export interface EnvOptions {
  ignore?: string[];
}

/** A variable set, changed or deleted (its item's type says which). */
const VARIABLE_KIND: ItemKind = {
  hint: 'An environment variable was set, changed or deleted in this test and never restored, so later tests see a different process.env. Save the old value and restore it in afterEach (delete the variable if it was not set before).',
};

/** The hint for each type of item. */
const ENV_KINDS: Readonly<Record<'added' | 'changed' | 'removed' | 'cwd', ItemKind>> = {
  added: VARIABLE_KIND,
  changed: VARIABLE_KIND,
  removed: VARIABLE_KIND,
  cwd: {
    hint: 'The working directory was changed in this test (process.chdir()) and never changed back, so relative paths in later tests resolve elsewhere. Save process.cwd() and chdir back to it in afterEach.',
  },
};

/** A sample: process.env as JSON (an immutable copy, and the cheapest one: see below) and the working directory. */
interface EnvState {
  env: string;
  cwd: string;
}

/**
 * Changes a test made to `process.env` (variables added, changed or removed) or to the
 * working directory (`process.chdir()`) and did not undo: later tests then run in a
 * different environment. Off by default: a sample copies process.env (a few us for ~50
 * variables, more for large environments). Values are compared but never reported, as
 * they may be secrets.
 */
export const envProbe = defineProbe<EnvOptions>({
  name: 'env',
  unit: 'count',
  description: 'process.env variables added, changed or removed, and process.cwd() changes, not undone',
  defaultThreshold: 0,
  enabledByDefault: false,
  options: {
    ignore: {
      type: 'string[]',
      default: [],
      description: 'environment variable names not to report; * matches any characters ("npm_*")',
    },
  },
  hint: (item) => kindOf(ENV_KINDS, item?.type, VARIABLE_KIND).hint,
  create: createEnvProbe,
});

function createEnvProbe({ options }: ProbeContext<EnvOptions>): ProbeInstance<EnvState> {
  const ignored = anyOf((options.ignore ?? []).map(globMatcher));
  // Every read of process.env goes through Node's interceptors; JSON.stringify() is the
  // cheapest copy (~35 us for 35 variables; a spread takes twice that), and an unchanged
  // environment is then one string comparison.
  // The value is not used: newItems() says what changed.
  const sample = () => ({ value: 0, state: { env: JSON.stringify(process.env), cwd: process.cwd() } satisfies EnvState });
  const original = sample().state;
  return {
    sample,
    newItems: (before, after) => envChanges(before.state!, after.state!, original, ignored),
  };
}

/**
 * What changed from `before` to `after`. Going back to how things were when the run
 * started is not a change (a later hook or test undoing an earlier one's leak).
 */
function envChanges(before: EnvState, after: EnvState, original: EnvState, ignored: Matcher): LeakItem[] {
  const items: LeakItem[] = [];
  if (before.env !== after.env) {
    const was = variables(before.env);
    const now = variables(after.env);
    const start = variables(original.env);
    const add = (name: string, change: 'added' | 'changed' | 'removed'): void => {
      const restored = now.get(name) === start.get(name);
      if (!restored && !ignored(name)) items.push({ id: `env:${name}`, type: change, label: `env ${name} ${change}`, name });
    };
    for (const [name, value] of now) {
      if (!was.has(name)) add(name, 'added');
      else if (was.get(name) !== value) add(name, 'changed');
    }
    for (const name of was.keys()) if (!now.has(name)) add(name, 'removed');
  }
  if (before.cwd !== after.cwd && after.cwd !== original.cwd) {
    items.push({ id: 'cwd', type: 'cwd', label: `cwd changed from ${before.cwd} to ${after.cwd}`, from: before.cwd, to: after.cwd });
  }
  return items;
}

const parsed = new Map<string, ReadonlyMap<string, string>>();

/** The variables of a sample's JSON (a Map: names like "__proto__" stay plain keys); the last few are cached. */
function variables(json: string): ReadonlyMap<string, string> {
  let map = parsed.get(json);
  if (!map) {
    map = new Map(Object.entries(JSON.parse(json) as Record<string, string>));
    if (parsed.size >= 4) parsed.delete(parsed.keys().next().value!);
    parsed.set(json, map);
  }
  return map;
}
