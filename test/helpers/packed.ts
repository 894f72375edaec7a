/**
 * leakguard as users get it: `npm pack` of the repo (its prepack builds it), the tarball
 * installed with npm into a project of its own, `mocha` resolved from that project's
 * node_modules. Installs use the npm cache first (`--prefer-offline`), and pin mocha, tsx
 * and the like to the versions the repo itself has installed, so that they are there.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const EXAMPLES = path.join(REPO, 'examples');

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** npm.cmd is a batch file: Node runs those only through a shell. */
const SHELL = process.platform === 'win32';

/** The version of a package installed in the repo's own node_modules. */
export function installedVersion(name: string): string {
  const manifest = path.join(REPO, 'node_modules', name, 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** `name@<the version the repo has installed>`, for installs that the npm cache can serve. */
export function pinned(name: string): string {
  return `${name}@${installedVersion(name)}`;
}

/** A packed leakguard: the tarball, in a temp dir of its own that also holds projects. */
export class PackedLeakguard {
  private constructor(
    /** The temp dir: the tarball, and anything made with {@link tempDir}. */
    readonly work: string,
    readonly tarball: string,
  ) {}

  /** `npm pack` the repo into a new temp dir (its `prepack` builds dist/ first). */
  static pack(): PackedLeakguard {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-pack-'));
    try {
      return new PackedLeakguard(work, packInto(REPO, work));
    } catch (error) {
      fs.rmSync(work, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * The package as a fresh checkout publishes it: `git clone` of the repo's committed HEAD
   * into a new temp dir (`clone/`), `npm install` there, then `npm pack`, which must build
   * dist/ itself (nothing built is committed). Uncommitted changes are not in it.
   */
  static packFreshClone(): PackedLeakguard {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'leakguard-clone-'));
    try {
      const clone = path.join(work, 'clone');
      const git = spawnSync('git', ['clone', '--quiet', REPO, clone], { encoding: 'utf8' });
      if (git.error) throw git.error;
      if (git.status !== 0) throw new Error(`git clone ${REPO} failed (exit ${git.status}): ${git.stderr}`);
      npm(clone, ['install', '--no-audit', '--no-fund', '--prefer-offline']);
      return new PackedLeakguard(work, packInto(clone, work));
    } catch (error) {
      fs.rmSync(work, { recursive: true, force: true });
      throw error;
    }
  }

  /** A new directory under the work dir. */
  tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(this.work, prefix));
  }

  /**
   * `npm install --no-audit --no-fund --prefer-offline <tarball> ...packages` in `project`
   * (which must have a package.json). npm writes the tarball into the project's
   * package.json in place of any `leakguard` dependency it had (`file:../..` in the examples).
   */
  installInto(project: string, packages: readonly string[] = []): void {
    npm(project, ['install', '--no-audit', '--no-fund', '--prefer-offline', this.tarball, ...packages]);
  }

  remove(): void {
    fs.rmSync(this.work, { recursive: true, force: true });
  }
}

/** `npm pack` of the package in `dir` into `destination`; the tarball's path. */
function packInto(dir: string, destination: string): string {
  // With --json, npm writes the prepack build's output to stderr: stdout is the JSON alone.
  const output = npm(dir, ['pack', '--json', '--pack-destination', destination]);
  const [packed] = JSON.parse(output) as { filename: string }[];
  if (!packed) throw new Error(`npm pack said nothing about a tarball: ${output}`);
  return path.join(destination, packed.filename);
}

/** Run npm in `cwd` and return how it ended, whatever that was. */
export function runNpm(
  cwd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync(NPM, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: SHELL,
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 240_000,
    killSignal: 'SIGKILL',
  });
}

/** Run npm in `cwd`; a failure throws with npm's output in the message. */
export function npm(cwd: string, args: readonly string[]): string {
  const run = runNpm(cwd, args);
  if (run.error) throw run.error;
  if (run.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return run.stdout;
}

/**
 * The environment for running a project's tests: no colors, so that output can be matched,
 * and a temp dir of its own, so that the tmpdir probe sees only what those tests do.
 */
export function testEnv(tmpdir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // npm on Node >= 22 enables Node's compile cache, which creates $TMPDIR/node-compile-cache;
  // the examples check that their temp dir is left empty.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    TMPDIR: tmpdir,
    TMP: tmpdir,
    TEMP: tmpdir,
    NODE_DISABLE_COMPILE_CACHE: '1',
    ...extra,
  };
  delete env.FORCE_COLOR;
  // On GitHub Actions, the project's run would annotate the real job and append to its summary.
  for (const name of ['GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_WORKSPACE']) if (extra[name] === undefined) delete env[name];
  return env;
}
