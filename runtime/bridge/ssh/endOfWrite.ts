import type { Connection } from 'ssh2';

/** The event a session emits for OpenSSH's `eow@openssh.com` channel request. */
export const endOfWriteEvent = 'eow';

interface ConnectionInternals {
  _protocol?: { _handlers?: Record<string, unknown> };
  _chanMgr?: { get(id: number): unknown };
}

type RequestHandler = (packet: unknown, recipient: number, type: string, wantReply: boolean, data: unknown) => void;

/**
 * Makes each session of `connection` emit `eow` when the client sends
 * `eow@openssh.com`: the client can no longer write the channel's output
 * (its stdout was closed, as `ssh host cmd | head` does), and sshd then
 * closes the process's output, which ends it with SIGPIPE. ssh2 (1.x)
 * rejects the request silently and has no event for it, so this wraps its
 * internal CHANNEL_REQUEST handler.
 */
// NOTE: this reads ssh2's private fields `_protocol._handlers` and `_chanMgr`
// (ssh2 1.17); when they are missing, the request stays ignored.
export function emitEndOfWrite(connection: Connection): boolean {
  const internals = connection as unknown as ConnectionInternals;
  const handlers = internals._protocol?._handlers;
  const channels = internals._chanMgr;
  const original = handlers?.CHANNEL_REQUEST as RequestHandler | undefined;
  if (handlers === undefined || channels === undefined || typeof original !== 'function') {
    return false;
  }
  const wrapped: RequestHandler = (packet, recipient, type, wantReply, data) => {
    if (type === 'eow@openssh.com') {
      const session = channels.get(recipient) as { emit?(event: string): boolean } | undefined;
      session?.emit?.(endOfWriteEvent);
    }
    original(packet, recipient, type, wantReply, data);
  };
  handlers.CHANNEL_REQUEST = wrapped;
  return true;
}
