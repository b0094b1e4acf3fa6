/** A port that devcontainer.json requests to forward, with the host name as the container resolves it. */
export interface PortToForward {
  /** `localhost` for a bare port number, else the host before the colon, such as a compose service. */
  host: string;
  port: number;
  /** `portsAttributes[...].label` for the entry, when set. */
  label?: string;
}

/**
 * Reads `forwardPorts` entries (a port number, or `"host:port"` such as
 * `"db:5432"`) with their labels from `portsAttributes`. A label is taken
 * from the key written exactly as the entry, or as its port number for a
 * bare port. Invalid entries are returned in `invalid` for the log, because
 * the schema check reports them to the user already.
 */
export function portsToForward(forwardPorts: unknown, portsAttributes: unknown): { ports: PortToForward[]; invalid: unknown[] } {
  const ports: PortToForward[] = [];
  const invalid: unknown[] = [];
  const attributes = isRecord(portsAttributes) ? portsAttributes : {};

  for (const entry of Array.isArray(forwardPorts) ? forwardPorts : []) {
    const parsed = parseEntry(entry);
    if (!parsed) {
      invalid.push(entry);
      continue;
    }
    const key = typeof entry === 'number' ? String(entry) : (entry as string);
    const label = labelOf(attributes[key]);
    ports.push(label === undefined ? parsed : { ...parsed, label });
  }
  return { ports, invalid };
}

function parseEntry(entry: unknown): PortToForward | undefined {
  if (typeof entry === 'number') {
    return isPort(entry) ? { host: 'localhost', port: entry } : undefined;
  }
  if (typeof entry !== 'string') {
    return undefined;
  }
  const match = /^([A-Za-z0-9._-]+):(\d{1,5})$/.exec(entry);
  if (!match) {
    return /^\d{1,5}$/.test(entry) && isPort(Number(entry)) ? { host: 'localhost', port: Number(entry) } : undefined;
  }
  const port = Number(match[2]);
  return isPort(port) ? { host: match[1], port } : undefined;
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

function labelOf(attributes: unknown): string | undefined {
  return isRecord(attributes) && typeof attributes.label === 'string' ? attributes.label : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
