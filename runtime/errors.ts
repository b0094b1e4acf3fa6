/**
 * The error kinds the runtime raises. Callers sort failures by class: a
 * configuration error points at a file and JSON path, an environment error at
 * the engine or a process, and cancellation is never reported as a failure.
 */

export interface ConfigurationErrorLocation {
  file: string;
  /** 1-based line and column, when the error is tied to a position. */
  line?: number;
  column?: number;
  /** JSON path of the offending property, for example `build.dockerfile`. */
  jsonPath?: string;
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';

  constructor(
    message: string,
    readonly location?: ConfigurationErrorLocation,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface EnvironmentErrorDetails {
  /** Engine endpoint, for example `unix:///var/run/docker.sock`. */
  endpoint?: string;
  /** Id or name of the image or container involved. */
  objectId?: string;
  /** The dev container, when it exists, so callers can inspect or remove it. */
  containerId?: string;
  /** HTTP status from the engine, or a process exit code. */
  status?: number;
  /** Last lines of the build or process output. */
  outputTail?: string;
}

export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';

  constructor(
    message: string,
    readonly details: EnvironmentErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class CancelledError extends Error {
  override readonly name = 'CancelledError';

  constructor(message = 'The operation was cancelled.') {
    super(message);
  }
}

export function isCancellation(error: unknown): boolean {
  return (
    error instanceof CancelledError ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

/** Throws a CancelledError when the signal has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CancelledError();
  }
}

/** Returns the message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
