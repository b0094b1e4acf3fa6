import * as path from 'node:path';
import type { Argv } from 'yargs';
import { type CommonArgs, commonOptions } from './options';
import { runJsonCommand } from './output';
import { configPath } from './up';

/**
 * `editor-server`: brings the dev container up, installs and starts the VS
 * Code server that matches a client's product.json, and prints one JSON
 * line with the container and the server's port. The connection token is
 * left out unless `--include-token` is given, since stdout often ends up
 * in CI logs.
 */
export function editorServerCommand(argv: Argv) {
  return argv.command(
    'editor-server',
    "Bring the dev container up and start the desktop editor's VS Code server in it",
    (y) =>
      commonOptions(y)
        .option('client-product', {
          type: 'string',
          demandOption: true,
          describe: "Path of the editor's product.json, which names the server's commit and download URL",
        })
        .option('server-source', {
          type: 'string',
          describe: 'Unpacked server folder or .tar.gz to install instead of downloading the server',
        })
        .option('port', { type: 'number', default: 0, describe: "Server port on the container's loopback interface (default: a free port)" })
        .option('remove-existing-container', { type: 'boolean', default: false, describe: 'Replace the existing container, removing it once the new image is built' })
        .option('include-token', { type: 'boolean', default: false, describe: 'Print the connection token in the JSON line' }),
    async (args) => {
      process.exitCode = await runEditorServer(args);
    },
  );
}

interface EditorServerArgs extends CommonArgs {
  'client-product': string;
  'server-source'?: string;
  port: number;
  'remove-existing-container': boolean;
  'include-token': boolean;
}

function runEditorServer(args: EditorServerArgs): Promise<number> {
  return runJsonCommand(args, async ({ logger, signal }) => {
    const { prepareEditorServer } = await import('../server/vscode/index');
    const server = await prepareEditorServer({
      workspaceFolder: args['workspace-folder'],
      configFile: configPath(args),
      clientProductPath: path.resolve(args['client-product']),
      serverSource: args['server-source'] === undefined ? undefined : path.resolve(args['server-source']),
      port: args.port === 0 ? undefined : args.port,
      removeExistingContainer: args['remove-existing-container'],
      logger,
      signal,
    });
    // The socket relay would keep this process running; the server keeps the agent link for the next attach.
    await server.close();
    return {
      containerId: server.containerId,
      remoteUser: server.remoteUser,
      remoteWorkspaceFolder: server.remoteWorkspaceFolder,
      commit: server.product.commit,
      port: server.port,
      serverFolder: server.serverFolder,
      node: server.node,
      installed: server.installed,
      reused: server.reused,
      ...(args['include-token'] ? { connectionToken: server.connectionToken } : {}),
    };
  });
}
