import { StepRunner, patchesOf } from './StepRun';

/** `relabel-namespace` and its rollback: the namespace's injection labels. */
export const namespaceSteps: StepRunner = {
  handles: name =>
    name === 'relabel-namespace' || name === 'rollback-relabel-namespace',
  async run({ request, actions }, name) {
    const { plan } = request;
    const patches =
      name === 'relabel-namespace' ? plan.patches : plan.rollbackPatches;
    for (const patch of patchesOf('relabel-namespace', patches)) {
      await actions.patchNamespace(patch);
    }
  },
};
