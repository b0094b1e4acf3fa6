import type { ArgumentsCamelCase } from 'yargs';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { loadConfig } from '../config/load';
import type { CommonArgs } from './main';
import { cliLogger, errorResult } from './output';
import { writeJson } from './up';

/**
 * Prints the configuration with host variables substituted, in the shape of
 * the reference CLI's `read-configuration`: the configuration (with its file
 * as a URI object) and the workspace's folder and mount.
 */
export async function runReadConfiguration(args: ArgumentsCamelCase<CommonArgs>): Promise<number> {
  const logger = cliLogger(args['log-level'], args['log-format']);
  try {
    const loaded = await loadConfig({ workspaceFolder: args['workspace-folder'], configFile: args.config });
    const url = pathToFileURL(loaded.configFile);
    writeJson({
      configuration: {
        ...loaded.config,
        configFilePath: { fsPath: loaded.configFile, path: url.pathname, scheme: 'file' },
      },
      workspace: {
        workspaceFolder: loaded.containerWorkspaceFolder,
        workspaceMount: loaded.workspaceMount,
        configFolderPath: path.dirname(loaded.configFile),
        rootFolderPath: loaded.workspaceFolder,
      },
    });
    return 0;
  } catch (error) {
    const { json, exitCode } = errorResult(error);
    logger.error(String(json.message));
    writeJson(json);
    return exitCode;
  }
}
