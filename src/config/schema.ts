/**
 * The JSON Schema of the config file, for editors: `"$schema":
 * "./node_modules/leakguard/schema/leakguardrc.schema.json"` in `.leakguardrc.json` gives
 * completion, descriptions and defaults. Built from the same sources as the checks in
 * validate.ts (the built-in probes' option specs, the byte units, the defaults), so that it
 * cannot say something the validator does not; `npm run build` writes it to
 * schema/leakguardrc.schema.json (scripts/write-schema.js).
 *
 * Draft-07, and only the keywords most editors know: type, enum, properties,
 * additionalProperties, items, pattern, minimum, exclusiveMinimum, anyOf, plus annotations.
 */
import type { OptionSpec, ProbeDefinition } from '../core/probe';
import { BYTE_UNIT_NAMES } from '../core/thresholds';
import { builtinProbes, probesWithCreationStacks } from '../probes';
import { DEFAULT_FAIL_AT, DEFAULT_MODE, DEFAULT_SAMPLE_TIMEOUT_MS, MAX_SAMPLE_TIMEOUT_MS } from './validate';

type Schema = Record<string, unknown>;

/** Where the file is written, relative to the package root. */
export const CONFIG_SCHEMA_PATH = 'schema/leakguardrc.schema.json';

/** The config file's JSON Schema (draft-07), as a plain object ready for JSON.stringify. */
export function buildConfigSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'leakguard config',
    description:
      'Config of leakguard, the Mocha leak guard: .leakguardrc.json, .leakguardrc(.yaml), or the "leakguard" key of package.json.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: {
        type: 'string',
        description: 'Editors use it to find this schema; ignored otherwise.',
      },
      mode: {
        type: 'string',
        enum: ['warn', 'fail'],
        default: DEFAULT_MODE,
        description: 'warn: report leaks, exit code unchanged. fail: a leak fails the run.',
      },
      failAt: {
        type: 'string',
        enum: ['test', 'end'],
        default: DEFAULT_FAIL_AT,
        description:
          'In mode "fail": test fails the leaking test itself with the leak as its error, judged where the test ends, so cleanup in its suite\'s after() does not count (leaks of hooks fail the run at its end); end fails the run once, at its end, judging a test\'s resources when its suite has ended.',
      },
      baseline: {
        anyOf: [
          { type: 'string', pattern: NOT_BLANK },
          { type: 'boolean', enum: [false] },
        ],
        description:
          "Path of a baseline file of known leaks (written by a run with LEAKGUARD_UPDATE_BASELINE=1, or by `npx leakguard baseline <report.json>...`), relative to the config file's directory: the leaks it lists are shown, but never fail the run.",
      },
      report: {
        type: 'object',
        additionalProperties: false,
        description: 'Reports besides the summary on stderr.',
        properties: {
          json: {
            anyOf: [
              { type: 'string', pattern: NOT_BLANK },
              { type: 'boolean', enum: [false] },
            ],
            description: "Path of the JSON report, relative to the config file's directory; false for none.",
          },
          junit: {
            anyOf: [
              { type: 'string', pattern: NOT_BLANK },
              { type: 'boolean', enum: [false] },
            ],
            description:
              "Path of a JUnit XML report, each leaking test (or hook) a failed testcase, for GitLab, CircleCI, Jenkins; relative to the config file's directory; false for none.",
          },
        },
      },
      probes: {
        type: 'object',
        description: 'Per-probe settings, keyed by probe name: the built-in probes, or those that plugins define.',
        properties: Object.fromEntries(builtinProbes.map((probe) => [probe.name, builtinProbeSchema(probe)])),
        additionalProperties: pluginProbeSchema(),
      },
      plugins: {
        type: 'array',
        items: { type: 'string', pattern: NOT_BLANK },
        default: [],
        description:
          "Modules of custom probes: paths relative to the config file's directory, or package names. Configure each under probes.<its name>.",
      },
      ignoreCreatedBy: ignoreCreatedBySchema(
        'Globs of files whose code made what is not to be counted, for every probe that knows where what it finds was created (fds, handles, children, listeners, plugins): "**/node_modules/chokidar/**", "test/helpers/**" (relative to the config file\'s directory). Matched against the frames a creation went through, innermost first, up to the first frame outside node_modules.',
      ),
      sampleTimeoutMs: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: MAX_SAMPLE_TIMEOUT_MS,
        default: DEFAULT_SAMPLE_TIMEOUT_MS,
        description:
          'The longest one probe sample may take, in milliseconds; a probe that is slower, hangs or throws is switched off with a warning.',
      },
    },
  };
}

/** A string with at least one non-space character (validate.ts rejects `s.trim() === ''`). */
const NOT_BLANK = '\\S';

/** A built-in probe's entry: exactly `enabled`, `threshold` and the probe's own options. */
function builtinProbeSchema(probe: ProbeDefinition<any>): Schema {
  const on = probe.enabledByDefault !== false;
  const options = Object.entries(probe.options ?? {}).map(([name, spec]) => [name, optionSchema(spec)]);
  return {
    type: 'object',
    additionalProperties: false,
    description: probe.description ?? `The ${probe.name} probe.`,
    properties: {
      enabled: { type: 'boolean', default: on, description: `Switch the probe on or off (default: ${on}).` },
      threshold: {
        ...thresholdSchema(probe.unit === 'bytes'),
        default: probe.defaultThreshold,
        description:
          probe.unit === 'bytes'
            ? `Growth above this is a leak: bytes, or a size with a unit like "512KiB" or "1MB" (${BYTE_UNIT_NAMES.join(', ')}; KB/MB/GB decimal, KiB/MiB/GiB binary).`
            : 'Growth above this is a leak: a count (0: any growth).',
      },
      ...(probesWithCreationStacks.has(probe.name)
        ? { ignoreCreatedBy: ignoreCreatedBySchema(`Globs of files whose code made ${probe.name} not to be counted by this probe, besides the top-level ignoreCreatedBy.`) }
        : {}),
      ...Object.fromEntries(options),
    },
  };
}

/** `ignoreCreatedBy`: globs (see config/created-by-patterns.ts for the rules the validator applies). */
function ignoreCreatedBySchema(description: string): Schema {
  return { type: 'array', items: { type: 'string', pattern: '^[^!]' }, description };
}

/**
 * A plugin's entry. The plugins a config lists are not known here: any other name is
 * allowed, with `enabled` and `threshold` described and the plugin's own options open.
 */
function pluginProbeSchema(): Schema {
  return {
    type: 'object',
    description: 'A probe that a plugin defines: enabled, threshold, and the options the plugin documents.',
    properties: {
      enabled: { type: 'boolean', description: 'Switch the probe on or off.' },
      threshold: {
        ...thresholdSchema(true),
        description: 'Growth above this is a leak: a number in the probe\'s unit, or for a probe that measures bytes a size like "1MB".',
      },
      ignoreCreatedBy: ignoreCreatedBySchema('Globs of files whose code made items (with a stack) not to be counted by this probe, besides the top-level ignoreCreatedBy.'),
    },
  };
}

/** A threshold: a number >= 0 in the probe's unit; for byte probes also a size string (see parseThreshold). */
function thresholdSchema(sizes: boolean): Schema {
  const count = { type: 'number', minimum: 0 };
  return sizes ? { anyOf: [count, { type: 'string', pattern: sizePattern() }] } : count;
}

/**
 * parseThreshold's size syntax: a number, optional spaces, a byte unit, case-insensitive.
 * JSON Schema patterns have no flags, so each letter of each unit becomes a class (`[kK]`).
 */
function sizePattern(): string {
  const anyCase = (unit: string): string =>
    [...unit].map((char) => `[${char.toLowerCase()}${char.toUpperCase()}]`).join('');
  return `^\\s*\\d+(\\.\\d+)?\\s*(${BYTE_UNIT_NAMES.map(anyCase).join('|')})\\s*$`;
}

/** One option of a probe, from its OptionSpec (the same rules as optionProblem in validate.ts). */
function optionSchema(spec: OptionSpec): Schema {
  if (spec.type === 'size') {
    return { ...thresholdSchema(true), ...(spec.default === undefined ? {} : { default: spec.default }), description: spec.description };
  }
  const values = spec.enum === undefined ? {} : { enum: [...spec.enum] };
  const type =
    spec.type === 'string[]'
      ? { type: 'array', items: { type: 'string', ...values } }
      : { type: spec.type, ...values };
  return { ...type, ...(spec.default === undefined ? {} : { default: spec.default }), description: spec.description };
}
