import { describeGroup } from './group';

// runArgs with the options people use most, in both `--flag value` and
// `--flag=value` spellings.
describeGroup({
  name: 'run-args',
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify(
      {
        image: 'debian:bookworm',
        runArgs: [
          '-e',
          'CONF_RUN_ARG=from runArgs',
          '--label=conf.run-arg=yes',
          '--cap-add',
          'SYS_PTRACE',
          '--hostname=conf-host',
          '--add-host',
          'conf-alias:127.0.0.1',
        ],
      },
      null,
      2,
    ),
  },
  probes: {
    'hostname and hosts file': 'hostname; grep conf-alias /etc/hosts || echo "no conf-alias in /etc/hosts"',
  },
});
