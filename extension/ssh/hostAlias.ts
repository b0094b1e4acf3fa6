import { type DevContainerLocation, locationHash } from '../resolver/authority';

/** Returns the SSH host alias of a workspace's container: `devcontainer-open-<hash>`. */
export function sshHostAlias(location: DevContainerLocation): string {
  return `devcontainer-open-${locationHash(location)}`;
}
