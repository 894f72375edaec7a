/**
 * The JUnit XML report (config `report.junit`), the format GitLab, CircleCI, Jenkins and
 * test-splitting tools read: each leaking test, hook and file-level finding is a failed
 * `<testcase>` (classname: its file; name: its title) with the leak in `<failure>`, one
 * `<testsuite>` per file. Only leaks are listed: the report does not know the passing tests.
 */
import * as path from 'node:path';
import type { Leak, LeakReport } from '../core/report-model';
import { formatValue } from '../core/thresholds';
import { writeFileAtomicSync } from './json';
import { relativePath } from './paths';
import { formatLeakDetails } from './summary';

/** A test's leaks, one testcase. */
interface Case {
  file: string;
  name: string;
  leaks: Leak[];
}

/** The XML document, ending with a newline. */
export function formatJunit(report: LeakReport, cwd: string): string {
  const suites = new Map<string, Case[]>();
  const cases = new Map<string, Case>();
  for (const leak of report.leaks) {
    const file = leak.file === undefined ? '' : relativePath(path.resolve(cwd, leak.file), cwd).split(path.sep).join('/');
    // A hook's full title says it is one (`"after each" hook in Suite`); a file's is FILE_UNIT_TITLE.
    const name = leak.test;
    const key = JSON.stringify([file, name]);
    let testCase = cases.get(key);
    if (!testCase) {
      testCase = { file, name, leaks: [] };
      cases.set(key, testCase);
      const suite = suites.get(file) ?? [];
      suite.push(testCase);
      suites.set(file, suite);
    }
    testCase.leaks.push(leak);
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="leakguard" tests="${cases.size}" failures="${cases.size}" errors="0" time="${runSeconds(report)}">`,
  ];
  for (const [file, suiteCases] of suites) {
    const name = file === '' ? 'leakguard' : file;
    lines.push(`  <testsuite name="${escapeXml(name)}" tests="${suiteCases.length}" failures="${suiteCases.length}" errors="0" skipped="0">`);
    for (const testCase of suiteCases) lines.push(...caseLines(testCase, cwd));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** Write the report atomically, as the JSON report is (see writeFileAtomicSync). */
export function writeJunitReportSync(file: string, report: LeakReport, cwd: string): void {
  try {
    writeFileAtomicSync(file, formatJunit(report, cwd));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`leakguard: could not write the JUnit report to ${file}: ${reason}`, { cause: error });
  }
}

function caseLines(testCase: Case, cwd: string): string[] {
  const summary = testCase.leaks.map((leak) => `${leak.probe} +${formatValue(leak.delta, leak.unit)}`).join(', ');
  const probes = [...new Set(testCase.leaks.map((leak) => leak.probe))].join(',');
  const text = formatLeakDetails(testCase.leaks, { cwd }).join('\n');
  return [
    `    <testcase classname="${escapeXml(testCase.file)}" name="${escapeXml(testCase.name)}" file="${escapeXml(testCase.file)}" time="0">`,
    `      <failure message="${escapeXml(`leaked: ${summary}`)}" type="leakguard.${escapeXml(probes)}">${escapeXml(text, 'text')}</failure>`,
    '    </testcase>',
  ];
}

function runSeconds(report: LeakReport): string {
  const ms = Date.parse(report.endedAt) - Date.parse(report.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? (ms / 1000).toFixed(3) : '0';
}

/**
 * Text for an attribute (or with `'text'`, an element): markup characters as entities;
 * carriage returns, and in an attribute tabs and newlines, as character references (a
 * parser would otherwise turn them into spaces or newlines); characters XML 1.0 forbids
 * (other controls, lone surrogates, U+FFFE/U+FFFF) as a visible `\uXXXX`, since no
 * reference can stand for them.
 */
export function escapeXml(text: string, where: 'attribute' | 'text' = 'attribute'): string {
  const raw = where === 'text';
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    switch (char) {
      case '&': out += '&amp;'; break;
      case '<': out += '&lt;'; break;
      case '>': out += '&gt;'; break;
      case '"': out += '&quot;'; break;
      case "'": out += '&apos;'; break;
      case '\t': out += raw ? char : '&#9;'; break;
      case '\n': out += raw ? char : '&#10;'; break;
      case '\r': out += '&#13;'; break;
      default:
        out += allowedInXml(code) ? char : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return out;
}

function allowedInXml(code: number): boolean {
  return (
    (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
  );
}
