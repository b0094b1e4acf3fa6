import { createHash } from 'node:crypto';

/** The remote authority prefix this extension resolves, as in `onResolveRemoteAuthority:devcontainer-open`. */
export const authorityPrefix = 'devcontainer-open';

/** The local side of a dev container: what `up` and the server need to find it again. */
export interface DevContainerLocation {
  /** Absolute path of the workspace folder on this machine. */
  workspaceFolder: string;
  /** Absolute path of devcontainer.json. */
  configFile: string;
}

/** Thrown for an authority that this extension did not write. */
export class AuthorityError extends Error {
  override readonly name = 'AuthorityError';
}

/**
 * Encodes the location as `devcontainer-open+<hex of its JSON>`. Hex keeps
 * the authority to the characters a URI authority allows, and the location
 * stays readable from the authority alone, so the resolver finds the
 * container again after a window reload or a reconnect.
 */
export function encodeAuthority(location: DevContainerLocation): string {
  const json = JSON.stringify({ workspaceFolder: location.workspaceFolder, configFile: location.configFile });
  return `${authorityPrefix}+${Buffer.from(json, 'utf8').toString('hex')}`;
}

/** Decodes an authority that encodeAuthority returned. */
export function decodeAuthority(authority: string): DevContainerLocation {
  const prefix = `${authorityPrefix}+`;
  if (!authority.startsWith(prefix)) {
    throw new AuthorityError(`The remote authority ${JSON.stringify(authority)} does not start with ${prefix}.`);
  }
  const hex = authority.slice(prefix.length);
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new AuthorityError(`The remote authority ${JSON.stringify(authority)} is not ${prefix} followed by hex digits.`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(hex, 'hex').toString('utf8'));
  } catch (error) {
    throw new AuthorityError(`The remote authority ${JSON.stringify(authority)} does not hold a JSON location.`, { cause: error });
  }
  const { workspaceFolder, configFile } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof workspaceFolder !== 'string' || workspaceFolder === '' || typeof configFile !== 'string' || configFile === '') {
    throw new AuthorityError(
      `The remote authority ${JSON.stringify(authority)} does not name a workspace folder and a configuration file.`,
    );
  }
  return { workspaceFolder, configFile };
}

/**
 * Returns a short name for the location that is stable across runs: the
 * first 12 hex digits of the SHA-256 of its JSON form.
 */
export function locationHash(location: DevContainerLocation): string {
  const json = JSON.stringify({ workspaceFolder: location.workspaceFolder, configFile: location.configFile });
  return createHash('sha256').update(json).digest('hex').slice(0, 12);
}
