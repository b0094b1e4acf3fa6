import type { MergedMetadata } from '../config/metadata';

/** The lifecycle commands that run once per container, in the spec's order. */
export const onceCommands = ['onCreateCommand', 'updateContentCommand', 'postCreateCommand'] as const;

/** Names the marker of postStartCommand for one container start, identified by the start time. */
export function postStartMarker(startedAt: string): string {
  return `postStartCommand-${Date.parse(startedAt)}`;
}

/**
 * Lists the markers a container needs before its once-only commands and
 * this start's postStartCommand count as done: one per command that the
 * merged metadata gives.
 */
export function dueMarkers(merged: MergedMetadata, startedAt: string): string[] {
  return [
    ...onceCommands.filter((name) => merged.lifecycle[name].length > 0),
    ...(merged.lifecycle.postStartCommand.length > 0 ? [postStartMarker(startedAt)] : []),
  ];
}
