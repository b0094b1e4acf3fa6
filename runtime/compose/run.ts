import { EnvironmentError } from '../errors';
import { isSecretName, type Logger, Redactor } from '../log';
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
  return (await runComposeWithOutput(context, args, options)).stdout;
}

/**
 * Runs a compose command as runCompose does and returns stdout and the
 * output's last lines with secrets redacted, for checks after a command
 * that exits 0 although it failed (podman-compose 1.0.3 `up`).
 */
export async function runComposeWithOutput(
  context: ComposeContext,
  args: string[],
  options: ComposeCommandOptions = {},
): Promise<{ stdout: string; outputTail: string; commandLine: string }> {
  const { project } = context;
  const tool = await context.tool();
  const files = [...project.model.files, ...(options.extraFiles ?? [])];
  const argv = [...tool.prefixArgs, '--project-name', project.name, ...files.flatMap((file) => ['-f', file]), ...args];
  const commandLine = [tool.executable, ...argv].join(' ');
  const logger = context.logger.child('compose');
  const redactor = new Redactor();
  for (const value of secretValues(project)) {
    logger.addSecret(value);
    redactor.add(value);
  }
  logger.debug(`Running ${commandLine}`);

  // podman-compose 1.0.3 prints the whole merged configuration and every
  // `podman` command it runs, so its output goes to the debug level.
  const showOutput = options.showOutput && tool.flavor !== 'podman-compose';
  const started = Date.now();
  const result = await runHostProcess(tool.executable, argv, {
    cwd: project.model.projectFolder,
    env: toolEnvironment(context, tool),
    signal: context.signal,
    onLine: (line) => (showOutput ? logger.info(line) : logger.debug(line)),
  });
  logger.debug(`${tool.displayName} ${args[0]} finished in ${Date.now() - started} ms`);

  const tail = redactor.redact(outputTail(result.output));
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `${tool.displayName} ${args[0]} failed with exit code ${result.exitCode} for compose project "${project.name}". ` +
        (options.advice ? `${options.advice} ` : '') +
        `Command: ${commandLine}` +
        (tail ? `\n${tail}` : ''),
      { endpoint: context.endpoint, status: result.exitCode, outputTail: tail, objectId: project.name },
    );
  }
  return { stdout: result.stdout, outputTail: tail, commandLine };
}

/**
 * Returns the environment of a compose command, pointed at the runtime's
 * engine: DOCKER_HOST for Docker Compose, and for podman-compose also
 * CONTAINER_HOST, which switches the `podman` commands it runs to that
 * Podman service (Podman 4 treats a set CONTAINER_HOST as `--remote`).
 */
function toolEnvironment(context: ComposeContext, tool: ComposeTool): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...context.project.env, DOCKER_HOST: context.endpoint };
  if (tool.flavor === 'podman-compose') env.CONTAINER_HOST = context.endpoint;
  return env;
}

/**
 * Returns the values of secret-named variables (TOKEN, PASSWORD and the
 * like) in containerEnv and in the services' `environment`, which compose
 * tools may echo: podman-compose prints the merged configuration.
 */
function secretValues(project: ComposeProject): string[] {
  const values: string[] = [];
  const collect = (environment: Record<string, string>) => {
    for (const [name, value] of Object.entries(environment)) {
      if (isSecretName(name) && value !== '') values.push(value);
    }
  };
  collect(project.loaded.config.containerEnv ?? {});
  for (const service of project.model.services.values()) collect(service.environment);
  return values;
}
