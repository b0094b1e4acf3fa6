import { describeGroup } from './group';

// Variable substitution in containerEnv and remoteEnv, and the environment
// that lifecycle commands see. CONF_HOST_VALUE changes between `up` and
// `exec` to show when each CLI reads ${localEnv:...} in remoteEnv.
describeGroup({
  name: 'env',
  env: { CONF_HOST_VALUE: 'from the host' },
  execEnv: { CONF_HOST_VALUE: 'changed after up' },
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify(
      {
        image: 'debian:bookworm',
        containerEnv: {
          CONF_PLAIN: 'plain value',
          CONF_LOCAL_SET: '${localEnv:CONF_HOST_VALUE}',
          CONF_LOCAL_DEFAULT: '${localEnv:CONF_UNSET_VALUE:default with:colons}',
          CONF_LOCAL_EMPTY: '${localEnv:CONF_UNSET_VALUE}',
          CONF_ID: '${devcontainerId}',
          CONF_BASENAME: '${localWorkspaceFolderBasename}',
          CONF_LOCAL_FOLDER: '${localWorkspaceFolder}',
          CONF_CONTAINER_FOLDER: '${containerWorkspaceFolder}',
          CONF_CONTAINER_PATH: '${containerEnv:PATH}',
        },
        remoteEnv: {
          PATH: '${containerEnv:PATH}:/opt/conf/bin',
          REMOTE_FROM_CONTAINER_ENV: '${containerEnv:CONF_PLAIN}!',
          REMOTE_MISSING_CONTAINER_ENV: '${containerEnv:CONF_NOT_SET:fallback}',
          REMOTE_LOCAL_SET: '${localEnv:CONF_HOST_VALUE}',
          REMOTE_LOCAL_DEFAULT: '${localEnv:CONF_UNSET_VALUE:default with:colons}',
          REMOTE_ID: '${devcontainerId}',
          REMOTE_BASENAME: '${localWorkspaceFolderBasename}',
          REMOTE_CONTAINER_FOLDER: '${containerWorkspaceFolder}',
        },
        postCreateCommand: "env | grep -E '^(CONF|REMOTE)_|^PATH=' | sort > /tmp/conf-post-create.env",
      },
      null,
      2,
    ),
  },
  probes: {
    'environment of postCreateCommand': 'cat /tmp/conf-post-create.env',
  },
});
