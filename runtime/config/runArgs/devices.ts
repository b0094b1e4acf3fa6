import { posix } from 'node:path';
import type Dockerode from 'dockerode';
import { splitMountFields } from '../../engine/mounts';
import { cut, type FlagUse, InvalidFlagValue, isAbsoluteContainerPath, type ParseState } from './flag';

/** `--device` and `--gpus`, read as docker/cli reads them for a Linux engine. */

/** A CDI device name, `vendor/class=name`, as the Container Device Interface defines it. */
const cdiNamePattern =
  /^[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?\/[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?=[A-Za-z0-9](?:[A-Za-z0-9_.:-]*[A-Za-z0-9])?$/;

const deviceFix = 'Write /dev/host-device[:/dev/container-device][:permissions], where permissions combine r, w and m.';

/**
 * Adds a device. A CDI name joins the single "cdi" device request that
 * docker sends. A path becomes a device mapping with permissions rwm unless
 * the value gives others.
 */
export function addDevice(use: FlagUse, state: ParseState): void {
  const value = use.value;
  if (cdiNamePattern.test(value)) {
    addCdiDevice(value, state.options.deviceRequests);
    return;
  }

  const parts = value.split(':');
  if (parts.length > 3 || parts[0] === '') {
    throw new InvalidFlagValue(`"${value}" is not a device.`, deviceFix);
  }

  // Docker cleans a path only where its own parser rewrites it, so do the same.
  let hostPath = parts[0];
  let containerPath: string;
  let permissions = 'rwm';
  if (parts.length === 1) {
    hostPath = cleanPath(hostPath);
    containerPath = hostPath;
  } else if (parts.length === 2 && isDevicePermissions(parts[1])) {
    hostPath = cleanPath(hostPath);
    containerPath = hostPath;
    permissions = parts[1];
  } else if (parts.length === 2) {
    containerPath = cleanPath(parts[1]);
  } else {
    containerPath = parts[1];
    permissions = parts[2];
    if (!isDevicePermissions(permissions)) {
      throw new InvalidFlagValue(`"${permissions}" are not device permissions.`, deviceFix);
    }
  }

  if (!isAbsoluteContainerPath(containerPath)) {
    throw new InvalidFlagValue(`the container path "${containerPath}" is not absolute.`, deviceFix);
  }
  state.options.devices.push({ PathOnHost: hostPath, PathInContainer: containerPath, CgroupPermissions: permissions });
}

function addCdiDevice(name: string, requests: Dockerode.DeviceRequest[]): void {
  const cdiRequest = requests.find((request) => request.Driver === 'cdi');
  if (cdiRequest) {
    cdiRequest.DeviceIDs = [...(cdiRequest.DeviceIDs ?? []), name];
  } else {
    requests.push({ Driver: 'cdi', DeviceIDs: [name] });
  }
}

/** Returns true for a non-empty combination of r, w and m, each at most once. */
function isDevicePermissions(text: string): boolean {
  return /^[rwm]{1,3}$/.test(text) && new Set(text).size === text.length;
}

/** Cleans a path like Go's path.Clean: no trailing slash, "." and ".." resolved. */
function cleanPath(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

const gpusFix = 'Write all, a GPU count, or fields such as count=2 or "device=0,1" (quoted when it lists several).';

/**
 * Adds a GPU request from `all`, a count, or CSV fields (driver, count,
 * device, capabilities, options). As in docker, the count is 1 when neither
 * count nor device is given, and the capabilities always include "gpu".
 */
export function addGpus(use: FlagUse, state: ParseState): void {
  const request: Dockerode.DeviceRequest = {};
  const seen = new Set<string>();

  for (const field of splitMountFields(use.value)) {
    const { before: key, after: value, found } = cut(field, '=');
    if (seen.has(key)) {
      throw new InvalidFlagValue(`the key "${key}" is given twice.`, gpusFix);
    }
    seen.add(key);

    if (!found) {
      seen.add('count');
      request.Count = parseGpuCount(key);
      continue;
    }
    switch (key) {
      case 'driver':
        request.Driver = value;
        break;
      case 'count':
        request.Count = parseGpuCount(value);
        break;
      case 'device':
        request.DeviceIDs = value.split(',');
        break;
      case 'capabilities':
        request.Capabilities = [[...value.split(','), 'gpu']];
        break;
      case 'options':
        request.Options = Object.fromEntries(
          splitMountFields(value).map((option) => {
            const pair = cut(option, '=');
            return [pair.before, pair.after];
          }),
        );
        break;
      default:
        throw new InvalidFlagValue(`the key "${key}" in "${field}" is not a GPU request field.`, gpusFix);
    }
  }

  if (!seen.has('count') && request.DeviceIDs === undefined) {
    request.Count = 1;
  }
  request.Options ??= {};
  request.Capabilities ??= [['gpu']];
  state.options.deviceRequests.push(request);
}

/** `all` is -1, which the engine reads as every GPU. */
function parseGpuCount(text: string): number {
  if (text === 'all') {
    return -1;
  }
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new InvalidFlagValue(`"${text}" is not "all" or a whole number of GPUs.`, gpusFix);
  }
  return Number(text);
}
