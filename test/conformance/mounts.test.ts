import { describeGroup } from './group';

// mounts in string and object form, bind and volume. Volume names include
// ${devcontainerId} so the two CLIs' containers never share a volume.
describeGroup({
  name: 'mounts',
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify(
      {
        image: 'debian:bookworm',
        mounts: [
          'source=${localWorkspaceFolder}/bind-string,target=/conf/bind-string,type=bind',
          'source=conformance-${devcontainerId}-string,target=/conf/volume-string,type=volume',
          'type=bind,source=${localWorkspaceFolder}/bind-readonly,target=/conf/bind-readonly,readonly',
          { source: '${localWorkspaceFolder}/bind-object', target: '/conf/bind-object', type: 'bind' },
          { source: 'conformance-${devcontainerId}-object', target: '/conf/volume-object', type: 'volume' },
        ],
      },
      null,
      2,
    ),
    'bind-string/file': 'bind string\n',
    'bind-object/file': 'bind object\n',
    'bind-readonly/file': 'bind read-only\n',
  },
  probes: {
    'mounted contents': [
      'cat /conf/bind-string/file /conf/bind-object/file /conf/bind-readonly/file',
      'touch /conf/bind-readonly/new 2>/dev/null && echo "read-only bind is writable" || echo "read-only bind rejects writes"',
      'for d in /conf/volume-string /conf/volume-object; do test -d "$d" && echo "$d is a folder"; done',
    ].join('; '),
  },
});
