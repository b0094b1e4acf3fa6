import * as path from 'node:path';
import { ConfigurationError } from '../errors';
import type { LoadedConfig } from '../config/types';
import { readDotEnv } from './dotenv';
import { isFile, readComposeFile, readExtendedFiles, resolveComposeFiles } from './files';
import { type ComposeModel, type ComposeService, mergeComposeFiles, servicesForProfiles } from './model';
import { composeProjectName } from './projectName';

/** A compose configuration with its files read and its services checked. */
export interface ComposeProject {
  loaded: LoadedConfig;
  /** Project name, passed to every compose command with `--project-name`. */
  name: string;
  model: ComposeModel;
  /** The main service (devcontainer.json's `service`), the dev container. */
  service: ComposeService;
  /** Services `up` starts: `runServices`, or every service without an inactive profile, plus the main service. */
  startServices: string[];
  /** Services `stop` stops: `runServices` plus the main service; undefined for every service. */
  stopServices?: string[];
  /** The environment compose commands run with. */
  env: NodeJS.ProcessEnv;
}

/**
 * Reads a compose configuration's files as Docker Compose would: variables
 * come from the project folder's `.env`, and the environment wins over it.
 * Then merges the files and checks that the main service, every
 * `runServices` entry and every `env_file` exist, so a mistake is reported
 * before anything starts.
 */
export async function openComposeProject(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): Promise<ComposeProject> {
  const files = await resolveComposeFiles(loaded);
  const projectFolder = path.dirname(files[0]);
  const variables: Record<string, string | undefined> = { ...(await readDotEnv(path.join(projectFolder, '.env'))), ...env };
  const parsed = [];
  for (const file of files) {
    parsed.push(await readComposeFile(file, variables));
  }
  const model = mergeComposeFiles(parsed, await readExtendedFiles(parsed, variables));

  const service = requireService(model, loaded, loaded.config.service, 'service');
  // An empty runServices means every service, as in the reference CLI.
  const configured = loaded.config.runServices as string[] | undefined;
  const runServices = configured && configured.length > 0 ? configured : undefined;
  for (const [index, name] of (runServices ?? []).entries()) {
    requireService(model, loaded, name, `runServices[${index}]`);
  }
  const activeProfiles = (variables.COMPOSE_PROFILES ?? '').split(',').map((profile) => profile.trim()).filter(Boolean);
  const chosen = runServices ?? servicesForProfiles(model, activeProfiles);
  const startServices = [...new Set([...chosen, service.name])];
  for (const name of startServices) {
    await checkEnvFiles(model, model.services.get(name) as ComposeService);
  }

  return {
    loaded,
    name: await composeProjectName({ workspaceFolder: loaded.workspaceFolder, files, nameInFiles: model.name, env }),
    model,
    service,
    startServices,
    stopServices: runServices ? [...new Set([...runServices, service.name])] : undefined,
    env,
  };
}

function requireService(model: ComposeModel, loaded: LoadedConfig, name: string | undefined, jsonPath: string): ComposeService {
  const service = name === undefined ? undefined : model.services.get(name);
  if (service) return service;
  const defined = [...model.services.keys()];
  const subject = name === undefined ? `${loaded.configFile} sets no "service"` : `Service "${name}" (from "${jsonPath}" in ${loaded.configFile}) is not defined in the compose files`;
  throw new ConfigurationError(
    `${subject}: ${model.files.join(', ')}. ` +
      (defined.length > 0 ? `The services defined there are: ${defined.join(', ')}.` : 'Those files define no services.') +
      ` Set "${jsonPath}" to one of them.`,
    { file: loaded.configFile, jsonPath },
  );
}

/**
 * Checks that each `env_file` of a service exists. Docker Compose resolves
 * the path against the project folder (v1) or the declaring file's folder
 * (some v2 releases), so either place counts.
 */
async function checkEnvFiles(model: ComposeModel, service: ComposeService): Promise<void> {
  for (const entry of service.envFiles) {
    const candidates = [path.resolve(model.projectFolder, entry), path.resolve(path.dirname(service.file), entry)];
    let found = false;
    for (const candidate of candidates) {
      if (await isFile(candidate)) found = true;
    }
    if (!found) {
      throw new ConfigurationError(
        `The env_file "${entry}" of service "${service.name}" in ${service.file} was not found (looked for ${[...new Set(candidates)].join(' and ')}). ` +
          'Create the file or fix the path, which is relative to the folder of the first compose file.',
        { file: service.file, jsonPath: `services.${service.name}.env_file` },
      );
    }
  }
}
