import * as fs from 'node:fs/promises';
import { ConfigurationError, EnvironmentError } from '../../errors';
import type { ClientProduct, ServerArch } from './types';

/**
 * Download URL of Microsoft's VS Code server, used when product.json has no
 * `serverDownloadUrlTemplate`, as for a VS Code client.
 */
export const defaultServerDownloadUrlTemplate =
  'https://update.code.visualstudio.com/commit:${commit}/server-${os}-${arch}/${quality}';

/**
 * Reads the client's product.json and returns the fields that select its
 * server. Raises ConfigurationError when the file has no commit, as in a
 * build from source, because no server can be matched to such a client.
 */
export async function readClientProduct(productPath: string): Promise<ClientProduct> {
  let text: string;
  try {
    text = await fs.readFile(productPath, 'utf8');
  } catch (error) {
    throw new EnvironmentError(
      `Reading the editor's product.json at ${productPath} failed: ${(error as Error).message}. ` +
        'Pass the path of product.json in the editor installation (vscode.env.appRoot).',
      { objectId: productPath },
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `${productPath} is not valid JSON (${(error as Error).message}). Pass the product.json of the editor installation.`,
      { file: productPath },
      { cause: error },
    );
  }
  return parseClientProduct(json, productPath);
}

/** Checks and normalizes the fields of a parsed product.json. */
export function parseClientProduct(json: unknown, productPath: string): ClientProduct {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigurationError(`${productPath} does not contain a JSON object. Pass the product.json of the editor installation.`, {
      file: productPath,
    });
  }
  const fields = json as Record<string, unknown>;
  const commit = stringField(fields, 'commit');
  if (commit === undefined) {
    throw new ConfigurationError(
      `${productPath} has no "commit", as in an editor built from source, so no VS Code server can be matched to it. ` +
        'Use a released build (VS Code, VSCodium or Code-OSS from a release), or the browser mode.',
      { file: productPath, jsonPath: 'commit' },
    );
  }
  if (!/^[0-9a-f]{7,64}$/i.test(commit)) {
    throw new ConfigurationError(`"commit" in ${productPath} is "${commit}", which is not a Git commit id.`, {
      file: productPath,
      jsonPath: 'commit',
    });
  }

  const quality = stringField(fields, 'quality') ?? 'stable';
  const applicationName = stringField(fields, 'applicationName') ?? 'code';
  return {
    commit,
    quality,
    version: stringField(fields, 'version') ?? '',
    release: stringField(fields, 'release'),
    nameShort: stringField(fields, 'nameShort') ?? 'VS Code',
    // VS Code's server launcher is `code-server` and its data folder `.vscode-server`,
    // both derived from the client's names when product.json lacks them.
    serverApplicationName: safeName(stringField(fields, 'serverApplicationName') ?? `${applicationName}-server`, 'serverApplicationName', productPath),
    serverDataFolderName: safeName(stringField(fields, 'serverDataFolderName') ?? '.vscode-server', 'serverDataFolderName', productPath),
    serverDownloadUrlTemplate: stringField(fields, 'serverDownloadUrlTemplate') ?? defaultServerDownloadUrlTemplate,
  };
}

export interface TemplateValues {
  product: ClientProduct;
  arch: ServerArch;
  /** Operating system of the server; always `linux` for a container. */
  os?: string;
}

/**
 * Expands `${commit}`, `${quality}`, `${version}`, `${release}`, `${os}` and
 * `${arch}` in a download URL template. Unknown variables are left as they
 * are, so the URL in the error names them.
 */
export function expandServerUrlTemplate(template: string, values: TemplateValues): string {
  const variables: Record<string, string> = {
    commit: values.product.commit,
    quality: values.product.quality,
    version: values.product.version,
    release: values.product.release ?? '',
    os: values.os ?? 'linux',
    arch: values.arch,
  };
  return template.replace(/\$\{(\w+)\}/g, (whole, name: string) => variables[name] ?? whole);
}

/**
 * Maps the container's `uname -m` to the architecture name of VS Code server
 * downloads, because the container can differ from the host (an emulated
 * arm64 container on an x86-64 host, for example).
 */
export function serverArchOf(machine: string): ServerArch {
  const value = machine.trim();
  switch (value) {
    case 'x86_64':
    case 'amd64':
      return 'x64';
    case 'aarch64':
    case 'arm64':
      return 'arm64';
    case 'armv7l':
    case 'armv8l':
    case 'armhf':
      return 'armhf';
    default:
      throw new EnvironmentError(
        `The container's architecture "${value}" (uname -m) has no VS Code server build. ` +
          'VS Code servers exist for x86_64, aarch64 and armv7l containers.',
        { objectId: value },
      );
  }
}

function stringField(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Rejects names that would leave the folder they are joined to, since they become paths in the container. */
function safeName(value: string, field: string, productPath: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(value) || value === '.' || value === '..') {
    throw new ConfigurationError(`"${field}" in ${productPath} is "${value}", which is not a plain file name.`, {
      file: productPath,
      jsonPath: field,
    });
  }
  return value;
}
