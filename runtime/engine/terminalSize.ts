/** A terminal's size in characters, as a TTY WriteStream has it, with its `resize` event. */
export interface TerminalSize {
  readonly rows: number;
  readonly columns: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

/**
 * Sets an exec's TTY to the terminal's size now and on each `resize` event
 * (SIGWINCH), and returns the function that stops following it. The first
 * resize is retried a few times, as the docker CLI does, because the engine
 * rejects it until the process has started. Failures are ignored: a wrong
 * size is not worth failing the command for.
 */
export function followTerminalSize(terminal: TerminalSize, resize: (size: { h: number; w: number }) => Promise<unknown>): () => void {
  let stopped = false;
  const apply = async (attempts: number) => {
    for (let attempt = 1; attempt <= attempts && !stopped; attempt++) {
      if (!terminal.rows || !terminal.columns) return;
      try {
        await resize({ h: terminal.rows, w: terminal.columns });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
      }
    }
  };
  const onResize = () => void apply(1);
  void apply(5);
  terminal.on('resize', onResize);
  return () => {
    stopped = true;
    terminal.off('resize', onResize);
  };
}
