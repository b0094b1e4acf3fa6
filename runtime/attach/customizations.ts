/**
 * The VS Code part of a merged configuration: `customizations.vscode` comes
 * as one value per metadata entry (image, Features, then devcontainer.json),
 * as `mergedConfiguration` in config/merged.ts builds it.
 */

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the `customizations.vscode` values of a merged configuration, in metadata order. */
export function vscodeCustomizations(merged: JsonObject): JsonObject[] {
  const customizations = merged.customizations;
  if (!isObject(customizations)) {
    return [];
  }
  const vscode = customizations.vscode;
  // A configuration that was not merged has the single object itself.
  const values = Array.isArray(vscode) ? vscode : [vscode];
  return values.filter(isObject);
}

/**
 * Merges `customizations.vscode.settings` of every entry: a later entry wins
 * per key, so devcontainer.json overrides the image and its Features.
 */
export function mergeVscodeSettings(entries: JsonObject[]): JsonObject {
  const settings: JsonObject = {};
  for (const entry of entries) {
    if (isObject(entry.settings)) {
      Object.assign(settings, entry.settings);
    }
  }
  return settings;
}

/**
 * Merges `customizations.vscode.extensions` of every entry in order. Ids are
 * case-insensitive, so the first spelling of an id is kept. An entry `-id`
 * removes that extension when an earlier entry added it, and a later entry
 * can add it again.
 */
export function mergeVscodeExtensions(entries: JsonObject[]): string[] {
  const byKey = new Map<string, string>();
  for (const entry of entries) {
    if (!Array.isArray(entry.extensions)) {
      continue;
    }
    for (const item of entry.extensions) {
      if (typeof item !== 'string' || item.trim() === '') {
        continue;
      }
      const id = item.trim();
      if (id.startsWith('-')) {
        byKey.delete(id.slice(1).toLowerCase());
      } else if (!byKey.has(id.toLowerCase())) {
        byKey.set(id.toLowerCase(), id);
      }
    }
  }
  return [...byKey.values()];
}

/**
 * Returns the machine settings to write: the merged VS Code settings plus
 * `remote.portsAttributes` and `remote.otherPortsAttributes` from the
 * configuration's `portsAttributes` and `otherPortsAttributes`, where the
 * editor reads a port's label, onAutoForward and requireLocalPort. A value
 * that the VS Code settings set themselves wins.
 */
export function machineSettings(merged: JsonObject): JsonObject {
  const settings: JsonObject = {};
  if (isObject(merged.portsAttributes) && Object.keys(merged.portsAttributes).length > 0) {
    settings['remote.portsAttributes'] = merged.portsAttributes;
  }
  if (isObject(merged.otherPortsAttributes) && Object.keys(merged.otherPortsAttributes).length > 0) {
    settings['remote.otherPortsAttributes'] = merged.otherPortsAttributes;
  }
  return { ...settings, ...mergeVscodeSettings(vscodeCustomizations(merged)) };
}
