import { ConfigurationError } from '../errors';
import type { OptionValue } from './options';
import { optionEnvName } from './options';
import type { FeatureNode } from './types';

/** A Feature in install order with its typed option values. */
export interface PlannedFeature {
  node: FeatureNode;
  options: Record<string, OptionValue>;
}

export interface FeatureLayerOptions {
  /** Id of the image the Features install on. */
  baseImage: string;
  /** The base image's `Config.User`, restored after the Features install as root. */
  baseUser: string;
  remoteUser: string;
  containerUser: string;
  features: PlannedFeature[];
}

/** Folder in the build context and in the image that contains the Features' files. */
export const featuresFolder = 'devcontainer-features';
const imageFolder = '/tmp/dev-container-features';

/** Returns the context folder that contains Feature `index` of the install order. */
export function featureFolderName(index: number): string {
  return `${featuresFolder}/${index}`;
}

/**
 * Writes the Dockerfile that installs Features on top of an image: per
 * Feature, its containerEnv as ENV lines (Dockerfile semantics, so
 * `${PATH}` refers to the PATH so far), a COPY of its folder and a RUN of
 * install.sh. One COPY and RUN per Feature lets the classic builder's cache
 * reuse every step before the first Feature whose files or options changed.
 * Option values never enter this text; they are in each folder's env file.
 */
export function featureLayerDockerfile(options: FeatureLayerOptions): string {
  const lines = [
    `FROM ${options.baseImage}`,
    'USER root',
    `COPY ${featuresFolder}/builtin.env ${featuresFolder}/install-feature.sh ${imageFolder}/`,
  ];
  options.features.forEach((feature, index) => {
    for (const [name, value] of Object.entries(feature.node.manifest.containerEnv ?? {})) {
      lines.push(`ENV ${envName(name, feature)}=${dockerfileQuote(value, name, feature)}`);
    }
    lines.push(`COPY ${featureFolderName(index)}/ ${imageFolder}/${index}/`);
    lines.push(`RUN sh ${imageFolder}/install-feature.sh ${index}`);
  });
  lines.push(`USER ${options.baseUser || 'root'}`);
  return lines.join('\n') + '\n';
}

/** Writes builtin.env: the user variables the Features spec gives every install.sh. */
export function builtinEnvFile(options: Pick<FeatureLayerOptions, 'remoteUser' | 'containerUser'>): string {
  return envFile({ _REMOTE_USER: options.remoteUser, _CONTAINER_USER: options.containerUser });
}

/** Writes one Feature's devcontainer-features.env from its typed option values. */
export function featureEnvFile(feature: PlannedFeature): string {
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(feature.options)) {
    variables[optionEnvName(name)] = String(value);
  }
  return envFile(variables);
}

/** Writes the banner install-feature.sh prints before install.sh, so the build log names the Feature. */
export function featureBanner(feature: PlannedFeature): string {
  const manifest = feature.node.manifest;
  const optionLines = Object.entries(feature.options).map(([name, value]) => `    ${optionEnvName(name)}=${String(value)}`);
  return [
    '='.repeat(75),
    `Feature       : ${manifest.name ?? manifest.id}`,
    `Id            : ${feature.node.userId}`,
    `Version       : ${manifest.version ?? ''}`,
    'Options       :',
    ...optionLines,
    '='.repeat(75),
    '',
  ].join('\n');
}

function envFile(variables: Record<string, string>): string {
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${shellQuote(value)}\n`)
    .join('');
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function envName(name: string, feature: PlannedFeature): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw invalidEnv(feature, name, 'the name is not a valid environment variable name');
  }
  return name;
}

/**
 * Quotes a value for a Dockerfile ENV line: backslashes and double quotes are
 * escaped and `$` is left alone, so variable references expand as in a
 * Dockerfile written by hand.
 */
function dockerfileQuote(value: string, name: string, feature: PlannedFeature): string {
  if (/[\r\n]/.test(value)) {
    throw invalidEnv(feature, name, 'the value contains a line break, which a Dockerfile ENV line cannot hold');
  }
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

function invalidEnv(feature: PlannedFeature, name: string, reason: string): ConfigurationError {
  return new ConfigurationError(
    `Feature ${feature.node.userId} sets containerEnv "${name}", which cannot be used: ${reason}. Ask the Feature's author to fix devcontainer-feature.json.`,
    { file: `${feature.node.folder}/devcontainer-feature.json`, jsonPath: `containerEnv.${name}` },
  );
}
