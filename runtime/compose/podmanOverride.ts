import { ConfigurationError } from '../errors';
import type { ComposeService } from './model';

/** The main service's own `entrypoint` and `command` in the form its compose files write them. */
export interface ServiceStartForms {
  service: string;
  /** The file that defines the service, for errors. */
  file: string;
  entrypoint?: string | string[];
  command?: string | string[];
  /** The service's command as argv, which `entrypoint` may end with. */
  commandArgv: string[];
}

/**
 * Adapts the override's `entrypoint` and `command` to podman-compose 1.0.3,
 * which merges compose files its own way: a string replaces a string, two
 * lists are concatenated, and a string and a list raise "can't merge value".
 * Docker Compose replaces both values whatever their form.
 *
 * - A string entrypoint gets a string, quoted for Python's `shlex.split`,
 *   which podman-compose applies to it. A list entrypoint cannot be replaced,
 *   so it raises a ConfigurationError.
 * - A string command gets `""`, which splits to no arguments. A list command
 *   cannot be cleared, so podman-compose appends it to the entrypoint. The
 *   entrypoint then ignores it (`set --` with overrideCommand) or leaves it
 *   out of its own argv, where the Feature wrapper's `exec "$@"` runs it.
 *
 * `entrypoint` is the `/bin/sh -c SCRIPT - ARGS...` form that the keep-alive
 * loop and the Feature wrapper use.
 */
export function podmanComposeStart(
  entrypoint: string[],
  overrideCommand: boolean,
  forms: ServiceStartForms,
  reason: string,
): { entrypoint: string | string[]; command?: string | string[] } {
  if (Array.isArray(forms.entrypoint)) {
    throw new ConfigurationError(
      `Service "${forms.service}" in ${forms.file} sets "entrypoint" as a list, which podman-compose 1.0.3 extends with the list of ` +
        `an override file instead of replacing it, so ${reason} cannot take effect. ` +
        'Write the entrypoint as a string (for example entrypoint: "/docker-entrypoint.sh"), or use docker-compose (DEVCONTAINER_COMPOSE_TOOL=docker-compose).',
      { file: forms.file, jsonPath: `services.${forms.service}.entrypoint` },
    );
  }

  let argv = [...entrypoint];
  let command: string | string[] | undefined = [];
  if (typeof forms.command === 'string') {
    command = '';
  } else if (Array.isArray(forms.command)) {
    command = undefined;
    if (overrideCommand) {
      argv[2] = `set --\n${argv[2]}`;
    } else {
      argv = withoutSuffix(argv, forms.commandArgv);
    }
  }
  return { entrypoint: typeof forms.entrypoint === 'string' ? shellJoin(argv) : argv, command };
}

function withoutSuffix(argv: string[], suffix: string[]): string[] {
  if (suffix.length === 0 || suffix.length > argv.length) return argv;
  const start = argv.length - suffix.length;
  return suffix.every((word, index) => argv[start + index] === word) ? argv.slice(0, start) : argv;
}

/** Joins argv into one string that POSIX shells and Python's `shlex.split` split back into the same words. */
export function shellJoin(argv: string[]): string {
  return argv.map((word) => `'${word.replace(/'/g, `'"'"'`)}'`).join(' ');
}

/**
 * Returns, per service, the bind mounts that `extends` brought in from a
 * file in another folder, with absolute sources, for the override file.
 * podman-compose 1.0.3 resolves such paths against the first compose file's
 * folder (and creates a missing folder there). In the short syntax, an
 * override entry with the same target replaces the extended one, because
 * podman-compose drops list entries whose `target[:mode]` part repeats. The
 * long syntax has no such rule, so it raises a ConfigurationError.
 */
export function extendedBindOverrides(services: ComposeService[], projectFolder: string): Record<string, string[]> {
  const overrides: Record<string, string[]> = {};
  for (const service of services) {
    const long = service.extendedBinds.long.find((bind) => bind.folder !== projectFolder);
    if (long) {
      throw new ConfigurationError(
        `Service "${service.name}" in ${service.file} extends a service in ${long.folder} whose bind mount at ${long.target} uses the long syntax ` +
          `with a relative source, which podman-compose 1.0.3 resolves against ${projectFolder} instead. ` +
          'Write that mount in the short syntax (./path:/target) or with an absolute source, or use docker-compose (DEVCONTAINER_COMPOSE_TOOL=docker-compose).',
        { file: service.file, jsonPath: `services.${service.name}.extends` },
      );
    }
    if (service.extendedBinds.short.length > 0) overrides[service.name] = service.extendedBinds.short;
  }
  return overrides;
}
