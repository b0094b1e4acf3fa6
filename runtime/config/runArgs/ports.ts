import { isIP } from 'node:net';
import type Dockerode from 'dockerode';
import { cut, type FlagUse, InvalidFlagValue, type ParseState } from './flag';

/**
 * `--publish` / `-p`, read as docker does with go-connections' nat package:
 * `[ip:][hostPort:]containerPort[/protocol]`, where both ports may be
 * ranges. The long form `published=8080,target=80,protocol=udp` is
 * converted to the short form first, as docker run does.
 */

interface PortMapping {
  /** Engine port key, for example `80/tcp`. */
  port: string;
  binding: Dockerode.PortBinding;
}

const publishFix =
  'Write [ip:][hostPort:]containerPort[/protocol], for example "8080:80", "127.0.0.1:8000-8002:8000-8002" or "53:53/udp".';

export function addPublishedPorts(use: FlagUse, state: ParseState): void {
  const options = state.options;
  for (const mapping of parsePortSpec(toShortSyntax(use.value))) {
    if (!options.exposedPorts.includes(mapping.port)) {
      options.exposedPorts.push(mapping.port);
    }
    options.portBindings[mapping.port] = [...(options.portBindings[mapping.port] ?? []), mapping.binding];
  }
}

function toShortSyntax(value: string): string {
  if (!value.includes('=')) {
    return value;
  }

  const fields: Record<string, string> = { protocol: 'tcp' };
  for (const field of value.split(',')) {
    const { before: key, after, found } = cut(field, '=');
    if (!found || key === '') {
      throw new InvalidFlagValue(
        `"${field}" is not a name=value pair.`,
        'Write the long form as published=8080,target=80[,protocol=udp].',
      );
    }
    fields[key] = after;
  }
  return `${fields.published ?? ''}:${fields.target ?? ''}/${fields.protocol}`;
}

function parsePortSpec(spec: string): PortMapping[] {
  const { hostIp: rawIp, hostPort, containerPart } = splitParts(spec);
  const { before: containerPort, after: protocolText } = cut(containerPart, '/');
  if (containerPort === '') {
    throw new InvalidFlagValue(`"${spec}" has no container port.`, publishFix);
  }

  const protocol = (protocolText || 'tcp').toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(protocol)) {
    throw new InvalidFlagValue(`"${protocolText}" is not a protocol.`, 'Use tcp, udp or sctp.');
  }

  const hostIp = unbracket(rawIp);
  if (hostIp !== '' && isIP(hostIp) === 0) {
    throw new InvalidFlagValue(`"${rawIp}" is not an IP address.`, publishFix);
  }

  const container = parsePortRange(containerPort, 'container port');
  const host = hostPort === '' ? undefined : parsePortRange(hostPort, 'host port');
  const count = container.end - container.start + 1;
  // A host range with a single container port is a pool the engine picks one port from.
  if (host && host.end - host.start + 1 !== count && count !== 1) {
    throw new InvalidFlagValue(
      `the host ports "${hostPort}" and container ports "${containerPort}" are ranges of different lengths.`,
      'Give ranges of the same length, or a single container port with a host range to choose from.',
    );
  }

  const mappings: PortMapping[] = [];
  for (let offset = 0; offset < count; offset++) {
    let boundPort = '';
    if (host) {
      boundPort = String(host.start + offset);
      if (count === 1 && host.start !== host.end) {
        boundPort += `-${host.end}`;
      }
    }
    mappings.push({
      port: `${container.start + offset}/${protocol}`,
      binding: { HostIp: hostIp, HostPort: boundPort },
    });
  }
  return mappings;
}

/** Splits at colons: the last part is the container port, the one before it the host port, the rest the IP. */
function splitParts(spec: string): { hostIp: string; hostPort: string; containerPart: string } {
  const parts = spec.split(':');
  const count = parts.length;
  if (count === 1) {
    return { hostIp: '', hostPort: '', containerPart: parts[0] };
  }
  return {
    hostIp: parts.slice(0, count - 2).join(':'),
    hostPort: parts[count - 2],
    containerPart: parts[count - 1],
  };
}

function unbracket(ip: string): string {
  if (!ip.startsWith('[')) {
    return ip;
  }
  if (!ip.endsWith(']')) {
    throw new InvalidFlagValue(`"${ip}" is missing its closing "]".`, publishFix);
  }
  return ip.slice(1, -1);
}

function parsePortRange(text: string, role: string): { start: number; end: number } {
  const parts = text.split('-');
  const numbers = parts.map(parsePortNumber);
  if (parts.length > 2 || numbers.some((port) => port === undefined)) {
    throw new InvalidFlagValue(`"${text}" is not a valid ${role} or range of ports 0 to 65535.`, publishFix);
  }

  const start = numbers[0] as number;
  const end = (numbers[1] ?? start) as number;
  if (end < start) {
    throw new InvalidFlagValue(`the ${role} range "${text}" ends before it starts.`, publishFix);
  }
  return { start, end };
}

function parsePortNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) {
    return undefined;
  }
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}
