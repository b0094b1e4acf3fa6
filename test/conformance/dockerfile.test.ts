import { describeGroup, dockerfile } from './group';

// A Dockerfile build with build arguments, a target stage and a context
// folder above .devcontainer.
describeGroup({
  name: 'dockerfile',
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify(
      {
        build: {
          dockerfile: 'Dockerfile',
          context: '..',
          target: 'dev',
          args: { CONF_GREETING: 'hello ${localWorkspaceFolderBasename}', CONF_UNUSED: 'unused' },
        },
      },
      null,
      2,
    ),
    '.devcontainer/Dockerfile': dockerfile('dockerfile', [
      'FROM debian:bookworm AS base',
      'ARG CONF_GREETING=unset',
      'RUN echo "$CONF_GREETING" > /conf-greeting',
      'LABEL conf.stage.base=yes',
      '',
      'FROM base AS dev',
      'COPY context-marker.txt /conf-context-marker.txt',
      'ENV CONF_STAGE=dev',
      'LABEL conf.stage=dev',
      '',
      'FROM base AS prod',
      'ENV CONF_STAGE=prod',
      'LABEL conf.stage=prod',
    ]),
    'context-marker.txt': 'from the build context\n',
  },
  probes: {
    'build argument, context and stage': 'cat /conf-greeting /conf-context-marker.txt; echo "$CONF_STAGE"',
  },
});
