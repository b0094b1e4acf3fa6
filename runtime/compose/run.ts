import { EnvironmentError } from '../errors';
import type { Logger } from '../log';
import { outputTail, runHostProcess } from './process';
import type { ComposeProject } from './project';
import type { ComposeTool } from './tool';

/** Settings every compose command of one project runs with. */
export interface ComposeContext {
  /** Finds the compose tool on first use; warm runs that start nothing never need it. */
  tool(): Promise<ComposeTool>;
  project: ComposeProject;
  /** Engine endpoint, passed to the tool as DOCKER_HOST so it talks to the same engine as the runtime. */
  endpoint: string;
  logger: Logger;
  signal?: AbortSignal;
}

export interface ComposeCommandOptions {
  /** Compose files added after the project's own, such as the generated override file. */
  extraFiles?: string[];
  /** Log the tool's output at info level (builds, `up`) instead of debug. */
  showOutput?: boolean;
  /** Advice on what to do next when the command fails, put between the reason and the command line. */
  advice?: string;
}

/**
 * Runs one compose command for the project, for example `up -d app`, with
 * the project name and every compose file, in the project folder (where
 * Compose looks for `.env`). Returns stdout. A non-zero exit raises an
 * EnvironmentError with the exit code, the command and the output's tail.
 */
export async function runCompose(context: ComposeContext, args: string[], options: ComposeCommandOptions = {}): Promise<string> {
  const { project } = context;
  const tool = await context.tool();
  const files = [...project.model.files, ...(options.extraFiles ?? [])];
  const argv = [...tool.prefixArgs, '--project-name', project.name, ...files.flatMap((file) => ['-f', file]), ...args];
  const commandLine = [tool.executable, ...argv].join(' ');
  const logger = context.logger.child('compose');
  logger.debug(`Running ${commandLine}`);

  const started = Date.now();
  const result = await runHostProcess(tool.executable, argv, {
    cwd: project.model.projectFolder,
    env: { ...project.env, DOCKER_HOST: context.endpoint },
    signal: context.signal,
    onLine: (line) => (options.showOutput ? logger.info(line) : logger.debug(line)),
  });
  logger.debug(`${tool.displayName} ${args[0]} finished in ${Date.now() - started} ms`);

  if (result.exitCode !== 0) {
    const tail = outputTail(result.output);
    throw new EnvironmentError(
      `${tool.displayName} ${args[0]} failed with exit code ${result.exitCode} for compose project "${project.name}". ` +
        (options.advice ? `${options.advice} ` : '') +
        `Command: ${commandLine}` +
        (tail ? `\n${tail}` : ''),
      { endpoint: context.endpoint, status: result.exitCode, outputTail: tail, objectId: project.name },
    );
  }
  return result.stdout;
}
