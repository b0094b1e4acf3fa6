import type { Engine } from '../../engine/client';

/** The dev container that SSH requests run in, with the settings `exec` uses. */
export interface SshTarget {
  engine: Engine;
  containerId: string;
  remoteUser: string;
  /** Working folder of every process: the remote workspace folder. */
  workspaceFolder: string;
  /** Probed user environment plus remoteEnv, as `exec` sets it. */
  remoteEnv: Record<string, string>;
}
