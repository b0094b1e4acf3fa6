import type { ServerConnection } from '../../runtime/index';

/** An event in the shape of `vscode.Event`, which subscribes a listener and returns its disposal. */
export type EventLike<T> = (listener: (data: T) => unknown) => { dispose(): void };

export interface EventEmitterLike<T> {
  event: EventLike<T>;
  fire(data: T): void;
  dispose(): void;
}

/** `vscode.EventEmitter`, passed in so this module loads without the editor. */
export type EventEmitterConstructor = new <T>() => EventEmitterLike<T>;

/** The shape of `vscode.ManagedMessagePassing`. */
export interface MessagePassing {
  onDidReceiveMessage: EventLike<Uint8Array>;
  onDidClose: EventLike<Error | undefined>;
  onDidEnd: EventLike<void>;
  send(data: Uint8Array): void;
  end(): void;
}

/**
 * Adapts a byte pipe to the server into the message passing a
 * `ManagedResolvedAuthority` connection returns. The editor subscribes only
 * after the connection promise settles, so events that arrive before the
 * first subscription are queued and delivered one microtask after it.
 */
export function toMessagePassing(connection: ServerConnection, Emitter: EventEmitterConstructor): MessagePassing {
  const received = new Emitter<Uint8Array>();
  const closed = new Emitter<Error | undefined>();
  const ended = new Emitter<void>();

  // Events wait here until the microtask after the first subscription, in
  // their order of arrival. Later ones are delivered at once.
  let queue: Array<() => void> | undefined = [];
  let deliveryScheduled = false;
  const deliver = (event: () => void): void => {
    if (queue) {
      queue.push(event);
    } else {
      event();
    }
  };
  const startDelivery = (): void => {
    if (deliveryScheduled) {
      return;
    }
    deliveryScheduled = true;
    queueMicrotask(() => {
      const pending = queue ?? [];
      queue = undefined;
      for (const event of pending) {
        event();
      }
    });
  };
  const subscribeAndStart =
    <T>(event: EventLike<T>): EventLike<T> =>
    (listener) => {
      const subscription = event(listener);
      startDelivery();
      return subscription;
    };

  const registrations = [
    connection.onData((data) => deliver(() => received.fire(data))),
    connection.onEnd(() => deliver(() => ended.fire())),
    connection.onClose((error) =>
      deliver(() => {
        closed.fire(error);
        for (const registration of registrations) {
          registration.dispose();
        }
        received.dispose();
        closed.dispose();
        ended.dispose();
      }),
    ),
  ];

  return {
    onDidReceiveMessage: subscribeAndStart(received.event),
    onDidClose: subscribeAndStart(closed.event),
    onDidEnd: subscribeAndStart(ended.event),
    send: (data) => connection.send(data),
    end: () => connection.end(),
  };
}
