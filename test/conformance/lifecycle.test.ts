import { describeGroup } from './group';

/** Shell that appends `<name> <user> <folder>` to the order log in the container. */
function logStep(name: string): string {
  return `echo "${name} $(id -un) $(pwd)" >> /tmp/conf-lifecycle.log`;
}

// Every lifecycle command, in string, array and object form. The two entries
// of the object form run in parallel, so both write the same line to the
// order log and their own marker file.
describeGroup({
  name: 'lifecycle',
  files: {
    '.devcontainer/devcontainer.json': JSON.stringify(
      {
        image: 'debian:bookworm',
        initializeCommand: 'echo "initializeCommand $(basename "$(pwd)")" >> .conf-initialize.log',
        onCreateCommand: logStep('onCreateCommand'),
        updateContentCommand: ['sh', '-c', logStep('updateContentCommand')],
        postCreateCommand: {
          first: `${logStep('postCreateCommand')}; echo first > /tmp/conf-post-create-first`,
          second: ['sh', '-c', `${logStep('postCreateCommand')}; echo second > /tmp/conf-post-create-second`],
        },
        postStartCommand: logStep('postStartCommand'),
        postAttachCommand: logStep('postAttachCommand'),
      },
      null,
      2,
    ),
  },
  probes: {
    'initializeCommand on the host': 'cat .conf-initialize.log',
    'order of lifecycle commands': 'cat /tmp/conf-lifecycle.log',
    'object form entries': 'cat /tmp/conf-post-create-first /tmp/conf-post-create-second',
  },
});
