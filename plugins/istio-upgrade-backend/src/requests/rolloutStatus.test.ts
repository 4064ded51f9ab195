import { judgeRollout } from './rolloutStatus';

const deployment = (status: object, spec: object = { replicas: 3 }) => ({
  kind: 'Deployment' as const,
  metadata: { name: 'reviews-v1', generation: 4 },
  spec,
  status: { observedGeneration: 4, ...status },
});

describe('judgeRollout (as kubectl rollout status)', () => {
  it('waits until the new spec is observed', () => {
    expect(judgeRollout(deployment({ observedGeneration: 3 })).state).toBe(
      'progressing',
    );
  });

  it('follows a Deployment through updated, old-terminating and available', () => {
    expect(
      judgeRollout(deployment({ updatedReplicas: 1, replicas: 4 })).message,
    ).toBe(
      'Waiting for deployment "reviews-v1" rollout to finish: 1 out of 3 new replicas have been updated...',
    );
    expect(
      judgeRollout(deployment({ updatedReplicas: 3, replicas: 4 })).message,
    ).toBe(
      'Waiting for deployment "reviews-v1" rollout to finish: 1 old replicas are pending termination...',
    );
    expect(
      judgeRollout(
        deployment({ updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
      ).message,
    ).toBe(
      'Waiting for deployment "reviews-v1" rollout to finish: 2 of 3 updated replicas are available...',
    );
    expect(
      judgeRollout(
        deployment({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
      ),
    ).toEqual({
      state: 'done',
      message: 'deployment "reviews-v1" successfully rolled out',
    });
  });

  it('fails a Deployment past its progress deadline or unable to create pods', () => {
    expect(
      judgeRollout(
        deployment({
          updatedReplicas: 1,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
            },
          ],
        }),
      ).state,
    ).toBe('failed');
    expect(
      judgeRollout(
        deployment({
          conditions: [
            {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: 'webhook',
            },
          ],
        }),
      ).message,
    ).toContain('cannot create pods (FailedCreate)');
  });

  it('judges StatefulSets by revisions and partitions, and refuses OnDelete', () => {
    const sts = (status: object, spec: object = { replicas: 2 }) => ({
      kind: 'StatefulSet' as const,
      metadata: { name: 'redis', generation: 1 },
      spec,
      status: { observedGeneration: 1, readyReplicas: 2, ...status },
    });
    expect(
      judgeRollout(sts({ currentRevision: 'a', updateRevision: 'b' })).state,
    ).toBe('progressing');
    expect(
      judgeRollout(sts({ currentRevision: 'b', updateRevision: 'b' })).state,
    ).toBe('done');
    expect(
      judgeRollout(
        sts(
          { updatedReplicas: 1 },
          { replicas: 2, updateStrategy: { rollingUpdate: { partition: 1 } } },
        ),
      ).state,
    ).toBe('done');
    expect(
      judgeRollout(
        sts({}, { replicas: 2, updateStrategy: { type: 'OnDelete' } }),
      ).state,
    ).toBe('failed');
  });

  it('judges DaemonSets by scheduled and available pods', () => {
    const ds = (status: object) => ({
      kind: 'DaemonSet' as const,
      metadata: { name: 'node-agent', generation: 2 },
      spec: {},
      status: { observedGeneration: 2, desiredNumberScheduled: 3, ...status },
    });
    expect(judgeRollout(ds({ updatedNumberScheduled: 2 })).state).toBe(
      'progressing',
    );
    expect(
      judgeRollout(ds({ updatedNumberScheduled: 3, numberAvailable: 2 })).state,
    ).toBe('progressing');
    expect(
      judgeRollout(ds({ updatedNumberScheduled: 3, numberAvailable: 3 })).state,
    ).toBe('done');
  });
});
