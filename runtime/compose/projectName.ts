import * as path from 'node:path';
import { readDotEnv } from './dotenv';

export interface ProjectNameInputs {
  /** Absolute path of the workspace folder on the host. */
  workspaceFolder: string;
  /** Absolute paths of the compose files, in order. */
  files: string[];
  /** Top-level `name:` of the compose files, when one sets it. */
  nameInFiles?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Works out the compose project name: COMPOSE_PROJECT_NAME from the
 * environment, then from a `.env` file, then `name:` in the compose files,
 * then a name from the folders. The folder name is
 * `<workspace folder>_devcontainer` when the first compose file is in the
 * workspace's `.devcontainer` folder, else the name of the first file's
 * folder. Each candidate is normalised as Docker Compose does (lower case;
 * letters, digits, `-` and `_`), and an empty result falls through to the
 * next rule.
 *
 * `.env` is read first in the first compose file's folder, as Docker Compose
 * does, then in the workspace folder. The reference Dev Containers CLI (0.89)
 * reads `.env` only in its working folder and passes the name with
 * `--project-name`, so Compose's own `.env` lookup never applies to it. Both
 * tools therefore agree on the name, and find each other's containers,
 * unless a `.env` in the compose file's folder (other than the workspace
 * folder) sets COMPOSE_PROJECT_NAME, or the reference CLI runs in a folder
 * other than the workspace folder.
 */
export async function composeProjectName(inputs: ProjectNameInputs): Promise<string> {
  const fromEnvironment = normaliseProjectName(inputs.env.COMPOSE_PROJECT_NAME ?? '');
  if (fromEnvironment) return fromEnvironment;

  // Docker Compose reads `.env` in the project folder (the first file's
  // folder); the reference CLI reads it in its working folder, usually the
  // workspace folder. Both count, the project folder first.
  const projectFolder = path.dirname(inputs.files[0]);
  for (const folder of new Set([projectFolder, inputs.workspaceFolder])) {
    const fromDotEnv = normaliseProjectName((await readDotEnv(path.join(folder, '.env'))).COMPOSE_PROJECT_NAME ?? '');
    if (fromDotEnv) return fromDotEnv;
  }

  const fromFiles = normaliseProjectName(inputs.nameInFiles ?? '');
  if (fromFiles) return fromFiles;

  const inDevcontainerFolder = projectFolder === path.join(inputs.workspaceFolder, '.devcontainer');
  const fromFolders = normaliseProjectName(
    inDevcontainerFolder ? `${path.basename(inputs.workspaceFolder)}_devcontainer` : path.basename(projectFolder),
  );
  return fromFolders || 'devcontainer';
}

/**
 * Normalises a project name as Docker Compose 1.21 and later do: lower case,
 * only letters, digits, `-` and `_`. Compose v2 also rejects a name that
 * starts with `-` or `_`, so those are dropped too.
 */
export function normaliseProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-_a-z0-9]/g, '')
    .replace(/^[-_]+/, '');
}
