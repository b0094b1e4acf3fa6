import { resolve } from 'node:path';
import { cut, type FlagUse, InvalidFlagValue, isAbsoluteContainerPath, type ParseState } from './flag';

/**
 * `--volume` / `-v` and `--tmpfs`, read as docker run reads them: a volume
 * with a source becomes an engine `Binds` entry, and one without a source is
 * an anonymous volume.
 */

/** Mode options the engine accepts after the second colon of a Linux `-v` value. */
const volumeModes = new Set([
  'rw', 'ro', 'z', 'Z', 'nocopy',
  'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate',
  'consistent', 'cached', 'delegated',
]);

/** The engine's local volume driver only accepts names of this form. */
const volumeNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

const volumeFix = 'Write /host/path:/container/path[:options], volume-name:/container/path[:options] or /container/path.';

export function addVolume(use: FlagUse, state: ParseState): void {
  const { source, target, modes } = splitVolumeSpec(use.value);

  if (!isAbsoluteContainerPath(target)) {
    throw new InvalidFlagValue(`the container path "${target}" is not absolute.`, volumeFix);
  }
  for (const mode of modes?.split(',') ?? []) {
    if (!volumeModes.has(mode)) {
      throw new InvalidFlagValue(
        `"${mode}" is not a volume option.`,
        `Use a comma-separated list of: ${[...volumeModes].join(', ')}.`,
      );
    }
  }

  const options = state.options;
  if (source === undefined) {
    if (!options.anonymousVolumes.includes(target)) {
      options.anonymousVolumes.push(target);
    }
    return;
  }

  const bind = `${hostSource(source, state.folder)}:${target}${modes === undefined ? '' : `:${modes}`}`;
  if (!options.binds.includes(bind)) {
    options.binds.push(bind);
  }
}

export function addTmpfs(use: FlagUse, state: ParseState): void {
  const { before: path, after: mountOptions } = cut(use.value, ':');
  if (!isAbsoluteContainerPath(path)) {
    throw new InvalidFlagValue(
      `the container path "${path}" is not absolute.`,
      'Write /container/path[:options], for example /run:rw,size=64m.',
    );
  }
  state.options.tmpfs[path] = mountOptions;
}

/**
 * Splits at colons, except the colon of a Windows drive letter at the start
 * of the source (`C:\src:/src`). One part is an anonymous volume's target.
 */
function splitVolumeSpec(spec: string): { source?: string; target: string; modes?: string } {
  const drive = /^[a-zA-Z]:[\\/]/.test(spec) ? spec.slice(0, 2) : '';
  const parts = spec.slice(drive.length).split(':');
  parts[0] = drive + parts[0];

  if (parts.some((part) => part === '')) {
    throw new InvalidFlagValue(`"${spec}" has an empty part between colons.`, volumeFix);
  }
  if (parts.length > 3) {
    throw new InvalidFlagValue(`"${spec}" has too many colons.`, volumeFix);
  }
  if (parts.length === 1) {
    return { target: parts[0] };
  }
  return { source: parts[0], target: parts[1], modes: parts[2] };
}

/**
 * Returns the Binds source for a host path or a volume name. Docker treats a
 * source starting with ".", "/", "~" or a drive letter as a host path and
 * anything else as a volume name.
 */
function hostSource(source: string, folder: string): string {
  if (source.startsWith('.')) {
    // Docker resolves this against its working directory, which a runtime
    // does not share with the user, so the config's folder takes its place.
    return resolve(folder, source);
  }
  if (source.startsWith('~')) {
    throw new InvalidFlagValue(
      `docker does not expand "~" in the host path "${source}".`,
      'Use ${localEnv:HOME} instead, for example "${localEnv:HOME}/.ssh:/home/user/.ssh".',
    );
  }
  if (source.startsWith('/') || source.startsWith('\\\\') || /^[a-zA-Z]:[\\/]/.test(source)) {
    return source;
  }
  if (!volumeNamePattern.test(source)) {
    throw new InvalidFlagValue(
      `"${source}" is neither an absolute host path nor a volume name of letters, digits, "_", "." and "-".`,
      'Use an absolute host path, a path starting with "./" relative to devcontainer.json, or a volume name.',
    );
  }
  return source;
}
