import {
  addLabel,
  ignoreLifetimeFlag,
  setEntrypoint,
  setHostname,
  setInit,
  setIpcMode,
  setName,
  setPidMode,
  setPrivileged,
  setUser,
  setUsernsMode,
  setWorkingDir,
} from './container';
import { addDevice, addGpus } from './devices';
import { addEnv, addEnvFile } from './env';
import type { FlagSpec } from './flag';
import { addMount } from './mountFlag';
import { addExtraHost, addNetwork } from './network';
import { addPublishedPorts } from './ports';
import { addSysctl, addUlimit, setByteSize, setCpus } from './resources';
import { addCapability, addSecurityOpt } from './security';
import { buildFlagTable } from './tokenize';
import { addTmpfs, addVolume } from './volumes';

/** The docker run flags runArgs may contain. Every other flag is a configuration error. */
const runFlags: FlagSpec[] = [
  { name: 'name', apply: setName },
  { name: 'hostname', short: 'h', apply: setHostname },
  { name: 'user', short: 'u', apply: setUser },
  { name: 'workdir', short: 'w', apply: setWorkingDir },
  { name: 'entrypoint', apply: setEntrypoint },
  { name: 'label', short: 'l', apply: addLabel },
  { name: 'env', short: 'e', apply: addEnv },
  { name: 'env-file', apply: addEnvFile },

  { name: 'volume', short: 'v', apply: addVolume },
  { name: 'mount', apply: addMount },
  { name: 'tmpfs', apply: addTmpfs },

  { name: 'publish', short: 'p', apply: addPublishedPorts },
  { name: 'network', aliases: ['net'], apply: addNetwork },
  { name: 'add-host', apply: addExtraHost },

  { name: 'cap-add', apply: addCapability },
  { name: 'cap-drop', apply: addCapability },
  { name: 'security-opt', apply: addSecurityOpt },
  { name: 'privileged', boolean: true, apply: setPrivileged },
  { name: 'init', boolean: true, apply: setInit },
  { name: 'ipc', apply: setIpcMode },
  { name: 'pid', apply: setPidMode },
  { name: 'userns', apply: setUsernsMode },

  { name: 'device', apply: addDevice },
  { name: 'gpus', apply: addGpus },
  { name: 'shm-size', apply: setByteSize },
  { name: 'memory', short: 'm', apply: setByteSize },
  { name: 'cpus', apply: setCpus },
  { name: 'ulimit', apply: addUlimit },
  { name: 'sysctl', apply: addSysctl },

  { name: 'interactive', short: 'i', boolean: true, apply: ignoreLifetimeFlag },
  { name: 'tty', short: 't', boolean: true, apply: ignoreLifetimeFlag },
  { name: 'rm', boolean: true, apply: ignoreLifetimeFlag },
  { name: 'detach', short: 'd', boolean: true, apply: ignoreLifetimeFlag },
];

export const runFlagTable = buildFlagTable(runFlags);
