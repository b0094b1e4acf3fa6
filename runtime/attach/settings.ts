import { applyEdits, modify, parse, type ParseError } from 'jsonc-parser';
import type { Logger } from '../log';
import { type ContainerUser, readContainerFile, writeContainerFile } from './containerFiles';

/** Returns the path of the machine settings file, below the remote user's home. */
export function machineSettingsPath(serverDataFolderName: string): string {
  return `~/${serverDataFolderName}/data/Machine/settings.json`;
}

export type SettingsMerge = { text: string } | { invalid: string };

/**
 * Sets each key of `settings` in the text of a settings file, keeping the
 * keys, comments and formatting already there. Returns `invalid` with the
 * reason when the existing text is not a JSON object.
 */
export function mergeSettingsText(existing: string | undefined, settings: Record<string, unknown>): SettingsMerge {
  let text = existing !== undefined && existing.trim() !== '' ? existing : '{}';
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    return { invalid: 'it is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { invalid: 'it does not contain a JSON object' };
  }
  const formattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };
  for (const [key, setting] of Object.entries(settings)) {
    text = applyEdits(text, modify(text, [key], setting, { formattingOptions }));
  }
  return { text: text.endsWith('\n') ? text : `${text}\n` };
}

/**
 * Writes the settings into the machine settings file of the editor's
 * server, merged with what the file contains. A file that is not a JSON
 * object is left as it is, with a warning.
 */
export async function writeMachineSettings(
  target: ContainerUser,
  serverDataFolderName: string,
  settings: Record<string, unknown>,
  logger: Logger,
): Promise<void> {
  const keys = Object.keys(settings);
  if (keys.length === 0) {
    logger.debug('No machine settings to write');
    return;
  }
  const file = machineSettingsPath(serverDataFolderName);
  const merge = mergeSettingsText(await readContainerFile(target, file), settings);
  if ('invalid' in merge) {
    logger.warn(
      `Left ${file} in the container unchanged because ${merge.invalid}, so ${keys.length} setting(s) ` +
        'from customizations.vscode.settings are not applied. Fix or remove the file and attach again.',
    );
    return;
  }
  await writeContainerFile(target, file, merge.text);
  logger.info(`Wrote ${keys.length} machine setting(s) to ${file}`);
}
