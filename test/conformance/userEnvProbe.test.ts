import { describeGroup, dockerfile } from './group';

/** Workspace files of a group: root's ~/.bashrc and ~/.profile each export a variable. */
function files(group: string, userEnvProbe: string | undefined): Record<string, string> {
  const config = {
    build: { dockerfile: 'Dockerfile' },
    ...(userEnvProbe ? { userEnvProbe } : {}),
    postCreateCommand: 'echo "bashrc=$CONF_FROM_BASHRC profile=$CONF_FROM_PROFILE" > /tmp/conf-lifecycle.env',
  };
  return {
    '.devcontainer/devcontainer.json': JSON.stringify(config, null, 2),
    '.devcontainer/Dockerfile': dockerfile(group, [
      'FROM debian:bookworm',
      "RUN echo 'export CONF_FROM_BASHRC=bashrc' >> /root/.bashrc && echo 'export CONF_FROM_PROFILE=profile' >> /root/.profile",
    ]),
  };
}

const probes = {
  'probed variables in exec': 'echo "bashrc=$CONF_FROM_BASHRC profile=$CONF_FROM_PROFILE"',
  'probed variables in postCreateCommand': 'cat /tmp/conf-lifecycle.env',
};

// userEnvProbe none: no shell start-up file is read.
describeGroup({ name: 'user-env-probe-none', files: files('user-env-probe-none', 'none'), probes });

// userEnvProbe left out: the default, loginInteractiveShell, reads both files.
describeGroup({ name: 'user-env-probe-default', files: files('user-env-probe-default', undefined), probes });
