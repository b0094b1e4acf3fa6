import { describeGroup } from './group';

// A custom workspaceMount target with a workspaceFolder below it.
describeGroup({
  name: 'workspace-mount',
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify(
      {
        image: 'debian:bookworm',
        workspaceMount: 'source=${localWorkspaceFolder},target=/src/${localWorkspaceFolderBasename},type=bind,consistency=cached',
        workspaceFolder: '/src/${localWorkspaceFolderBasename}/sub',
      },
      null,
      2,
    ),
    'sub/marker.txt': 'in the sub folder\n',
  },
  probes: {
    'workspace contents': 'cat marker.txt; ls -a /src; test -e /workspaces && echo "/workspaces exists" || echo "no /workspaces"',
  },
});
