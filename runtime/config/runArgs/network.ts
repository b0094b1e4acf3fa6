import { isIP } from 'node:net';
import { cut, type FlagUse, InvalidFlagValue, type ParseState } from './flag';

/** `--network` / `--net` and `--add-host`. */

/** Network modes that are not user-defined networks, which docker will not mix with user-defined ones. */
function isBuiltInNetwork(name: string): boolean {
  return ['default', 'bridge', 'host', 'none'].includes(name) || name.startsWith('container:');
}

/**
 * Adds a network. The first becomes the network mode and any others are
 * extra endpoints, as docker run does with a repeated --network.
 */
export function addNetwork(use: FlagUse, state: ParseState): void {
  const name = use.value;
  // Docker's own test for its advanced form, such as name=my-net,alias=web.
  if (/\w+=\w+(,\w+=\w+)*/.test(name)) {
    throw new InvalidFlagValue(
      `the advanced form "${name}" is not supported.`,
      'Give the network name alone, for example --network=my-net.',
    );
  }
  if (name.trim() === '') {
    throw new InvalidFlagValue('the network name is empty.', 'Give a network name, for example --network=host.');
  }

  const networks = state.options.networks;
  if (networks.includes(name)) {
    throw new InvalidFlagValue(`the network "${name}" is given twice.`, 'Remove one of them.');
  }
  if (networks.length > 0 && networks.some((other) => isBuiltInNetwork(other) || isBuiltInNetwork(name))) {
    throw new InvalidFlagValue(
      `"${name}" cannot be combined with "${networks[0]}", because docker attaches several networks only when all are user-defined.`,
      'Keep a single --network, or give only user-defined networks.',
    );
  }
  networks.push(name);
}

/** The special address the engine replaces with the host's gateway address. */
const hostGateway = 'host-gateway';

/**
 * Adds an /etc/hosts entry written `name:ip` or `name=ip`, where the address
 * may be in brackets. The engine receives `name:ip`, as docker sends it.
 */
export function addExtraHost(use: FlagUse, state: ParseState): void {
  let split = cut(use.value, '=');
  if (!split.found) {
    split = cut(use.value, ':');
  }
  const { before: host, found } = split;
  let address = split.after;
  if (!found || host === '' || host.includes(':')) {
    throw new InvalidFlagValue(
      `"${use.value}" is not a host name and address.`,
      'Write name:address or name=address, for example db:10.0.0.5 or gateway=host-gateway.',
    );
  }

  if (address !== hostGateway) {
    if (address.length > 2 && address.startsWith('[') && address.endsWith(']')) {
      address = address.slice(1, -1);
    }
    if (isIP(address.trim()) === 0) {
      throw new InvalidFlagValue(
        `"${address}" is not an IP address.`,
        `Give an IPv4 or IPv6 address, or ${hostGateway} for the host.`,
      );
    }
  }
  state.options.extraHosts.push(`${host}:${address}`);
}
