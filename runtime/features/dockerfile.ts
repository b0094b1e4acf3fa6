import type { ResolvedFeature } from './local';

export interface FeatureLayerOptions {
  baseImage: string;
  /** The base image's `Config.User`, restored after the Features install as root. */
  baseUser: string;
  remoteUser: string;
  containerUser: string;
  features: ResolvedFeature[];
}

/** Returns the folder, in the build context and the image, that contains Feature `index`. */
export function featureFolderName(index: number): string {
  return `devcontainer-features/${index}`;
}

/**
 * Writes the Dockerfile that installs Features on top of an image. Option
 * values never enter the Dockerfile text: each Feature gets a
 * `devcontainer-features.env` file that install.sh runs with.
 */
export function featureLayerDockerfile(options: FeatureLayerOptions): string {
  const lines = [`FROM ${options.baseImage}`, 'USER root'];
  options.features.forEach((feature, index) => {
    const folder = featureFolderName(index);
    lines.push(`COPY ${folder}/ /tmp/${folder}/`);
    lines.push(
      `RUN cd /tmp/${folder} && chmod +x install.sh && set -a && . ./devcontainer-features.env && set +a && ./install.sh && rm -rf /tmp/${folder}`,
    );
    for (const [name, value] of Object.entries(feature.containerEnv)) {
      lines.push(`ENV ${name}=${JSON.stringify(value)}`);
    }
  });
  lines.push(`USER ${options.baseUser || 'root'}`);
  return lines.join('\n') + '\n';
}

/** Writes the env file for one Feature: its options and the user variables the spec defines. */
export function featureEnvFile(feature: ResolvedFeature, options: FeatureLayerOptions): string {
  // NOTE: home folders are assumed to be /root or /home/<user>; the image's
  // /etc/passwd is not read yet.
  const variables: Record<string, string> = {
    ...feature.optionEnv,
    _REMOTE_USER: options.remoteUser,
    _CONTAINER_USER: options.containerUser,
    _REMOTE_USER_HOME: options.remoteUser === 'root' ? '/root' : `/home/${options.remoteUser}`,
    _CONTAINER_USER_HOME: options.containerUser === 'root' ? '/root' : `/home/${options.containerUser}`,
  };
  return (
    Object.entries(variables)
      .map(([name, value]) => `${name}=${shellQuote(value)}`)
      .join('\n') + '\n'
  );
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

