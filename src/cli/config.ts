/** The project's config, found as a run finds it (src/config): a bad config is one line and exit 2. */
import { ConfigError, loadConfig } from '../config';
import type { ResolvedConfig } from '../config/types';
import { CliError } from './errors';

export async function projectConfig(cwd: string): Promise<ResolvedConfig> {
  try {
    return await loadConfig(cwd);
  } catch (error) {
    // ConfigError's message starts with "leakguard: " already.
    if (error instanceof ConfigError) throw new CliError(error.message.replace(/^leakguard: /, ''));
    throw error;
  }
}
