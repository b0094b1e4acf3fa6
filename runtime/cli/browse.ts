import type { ArgumentsCamelCase } from 'yargs';
import type { CommonArgs } from './main';

export interface BrowseArgs extends CommonArgs {
  port: number;
  'remove-existing-container': boolean;
}

export async function runBrowse(_args: ArgumentsCamelCase<BrowseArgs>): Promise<number> {
  process.stderr.write('browse is not available in this build.\n');
  return 1;
}
