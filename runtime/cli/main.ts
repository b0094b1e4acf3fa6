import yargs from 'yargs';
import { runExecCommand } from './exec';
import { upCommand } from './up';
import { buildCommand } from './build';
import { readConfigurationCommand } from './readConfiguration';
import { userCommandCommands } from './userCommands';
import { stopAndDownCommands } from './lifetime';
import { browseCommand } from './browse';
import { featuresCommand } from './features';
import { sshProxyCommand } from './sshProxy';
import { currentFolderProblem, exitQuietlyOnBrokenPipe } from './processGuards';

/** Version printed by `--version`; kept in step with package.json. */
const version = '0.1.0';

async function main(argv: string[]): Promise<void> {
  // `exec` parses its own options, because the command after them keeps its flags.
  if (argv[0] === 'exec') {
    process.exitCode = await runExecCommand(argv.slice(1));
    return;
  }

  let parser = yargs(argv).scriptName('devcontainer-open');
  parser = upCommand(parser);
  parser = userCommandCommands(parser);
  parser = buildCommand(parser);
  parser = readConfigurationCommand(parser);
  parser = stopAndDownCommands(parser);
  parser = browseCommand(parser);
  parser = (await import('./editorServer')).editorServerCommand(parser);
  parser = featuresCommand(parser);
  parser = sshProxyCommand(parser);
  await parser
    // The compose code reads the forced tool from the environment, where the
    // extension and scripts can set it too.
    .middleware((args) => {
      if (typeof args['docker-compose-path'] === 'string' && args['docker-compose-path'] !== '') {
        process.env.DEVCONTAINER_COMPOSE_TOOL = args['docker-compose-path'];
      }
    })
    .command('exec', 'Run a command in the running dev container: exec [options] <command> [args...]')
    .demandCommand(1, 'Name a command: up, set-up, build, run-user-commands, read-configuration, exec, stop, down, browse, editor-server, features or ssh-proxy.')
    .strict()
    .wrap(Math.min(110, parser.terminalWidth()))
    .help()
    .version(version)
    .parseAsync();
}

exitQuietlyOnBrokenPipe();
const folderProblem = currentFolderProblem();
if (folderProblem !== undefined) {
  process.stderr.write(`${folderProblem}\n`);
  process.exit(1);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
