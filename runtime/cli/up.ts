import type { ArgumentsCamelCase } from 'yargs';
import { up } from '../up/index';
import type { CommonArgs } from './main';
import { cliLogger, errorResult } from './output';
import { abortOnSignals } from './signals';

export interface UpArgs extends CommonArgs {
  'remove-existing-container': boolean;
  'build-no-cache': boolean;
  'skip-post-attach': boolean;
}

export async function runUp(args: ArgumentsCamelCase<UpArgs>): Promise<number> {
  const logger = cliLogger(args['log-level'], args['log-format']);
  const abort = abortOnSignals();
  try {
    const result = await up({
      workspaceFolder: args['workspace-folder'],
      configFile: args.config,
      removeExistingContainer: args['remove-existing-container'],
      buildNoCache: args['build-no-cache'],
      skipPostAttach: args['skip-post-attach'],
      logger,
      signal: abort.signal,
    });
    writeJson({
      outcome: 'success',
      containerId: result.containerId,
      remoteUser: result.remoteUser,
      remoteWorkspaceFolder: result.remoteWorkspaceFolder,
    });
    return 0;
  } catch (error) {
    const { json, exitCode } = errorResult(error);
    logger.error(String(json.message));
    writeJson(json);
    return exitCode;
  } finally {
    abort.dispose();
  }
}

export function writeJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
