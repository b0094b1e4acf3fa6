import { ConfigurationError } from '../errors';

/** Engine API build parameters that `build.options` can set. */
export interface BuildParameters {
  buildargs?: Record<string, string>;
  labels?: Record<string, string>;
  networkmode?: string;
  extrahosts?: string;
  pull?: boolean;
  nocache?: boolean;
  target?: string;
  platform?: string;
  shmsize?: number;
}

type Setter = (parameters: BuildParameters, value: string) => void;

const withValue: Record<string, Setter> = {
  '--build-arg': (p, value) => {
    const [name, ...rest] = value.split('=');
    p.buildargs = { ...p.buildargs, [name]: rest.length > 0 ? rest.join('=') : (process.env[name] ?? '') };
  },
  '--label': (p, value) => {
    const [name, ...rest] = value.split('=');
    p.labels = { ...p.labels, [name]: rest.join('=') };
  },
  '--network': (p, value) => (p.networkmode = value),
  '--add-host': (p, value) => (p.extrahosts = p.extrahosts ? `${p.extrahosts},${value}` : value),
  '--target': (p, value) => (p.target = value),
  '--platform': (p, value) => (p.platform = value),
  '--shm-size': (p, value) => (p.shmsize = sizeInBytes(value)),
};

const flags: Record<string, (parameters: BuildParameters) => void> = {
  '--pull': (p) => (p.pull = true),
  '--no-cache': (p) => (p.nocache = true),
};

/**
 * Maps `build.options` (docker build flags, one per element or as
 * `--flag=value`) onto Engine API build parameters. A flag that has no
 * classic-builder equivalent is an error naming it, never dropped.
 */
export function parseBuildOptions(options: string[], file: string): BuildParameters {
  const parameters: BuildParameters = {};
  for (let index = 0; index < options.length; index++) {
    const word = options[index];
    const equals = word.indexOf('=');
    const name = word.startsWith('--') && equals > 0 ? word.slice(0, equals) : word;
    const jsonPath = `build.options[${index}]`;

    if (flags[name] && equals < 0) {
      flags[name](parameters);
      continue;
    }
    const setter = withValue[name];
    if (!setter) {
      throw new ConfigurationError(
        `Unsupported build option "${word}" in ${file} at ${jsonPath}. Supported: ${[...Object.keys(withValue), ...Object.keys(flags)].join(', ')}.`,
        { file, jsonPath },
      );
    }
    const value = equals > 0 && word.startsWith('--') ? word.slice(equals + 1) : options[++index];
    if (value === undefined) {
      throw new ConfigurationError(`Build option ${name} in ${file} at ${jsonPath} needs a value.`, { file, jsonPath });
    }
    setter(parameters, value);
  }
  return parameters;
}

function sizeInBytes(value: string): number {
  const match = /^(\d+)([bkmg]?)$/i.exec(value);
  if (!match) {
    throw new ConfigurationError(`Invalid --shm-size "${value}": use a number with b, k, m or g.`);
  }
  return Number(match[1]) * 1024 ** 'bkmg'.indexOf(match[2].toLowerCase() || 'b');
}
