import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { aRemovalPlan } from '../../__testUtils__/controlPlaneFixtures';
import { aPlan } from '../../__testUtils__/requestFixtures';
import { RequestPlanView } from './RequestPlanView';

describe('RequestPlanView', () => {
  it('shows what a plan does beyond its writes: the Gateway API gateways a tag move restarts', async () => {
    const base = aPlan();
    await renderInTestApp(
      <RequestPlanView
        plan={{
          ...base,
          plan: {
            ...base.plan,
            warnings: [
              'Moving tag stable restarts 1 Gateway API gateway at once, before any wave: istiod of 1-30-1 redeploys ingress/api (1 pod)',
            ],
          },
        }}
      />,
    );
    const warnings = screen.getByRole('region', { name: 'Plan warnings' });
    expect(
      within(warnings).getByText(
        /Moving tag stable restarts 1 Gateway API gateway at once.*ingress\/api/,
      ),
    ).toBeInTheDocument();
  });

  it('shows no warnings section for a plan without warnings', async () => {
    await renderInTestApp(<RequestPlanView plan={aPlan()} />);
    expect(screen.getByTestId('request-plan')).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Plan warnings' }),
    ).not.toBeInTheDocument();
  });

  it("shows a Sail removal left to Sail's grace period, its deletions, and its delete writes as deletions, not restarts", async () => {
    const base = aRemovalPlan({ revision: 'default-v1-10-4' });
    await renderInTestApp(
      <RequestPlanView
        plan={{
          ...base,
          plan: {
            ...base.plan,
            patches: base.plan.patches.slice(0, 1),
            controlPlane: {
              installedBy: 'sail',
              mode: 'sail-grace-period',
              version: '1.10.4',
              sailResource: 'IstioRevision/default-v1-10-4',
              gracePeriodSeconds: 30,
              deletions: [
                'Deployment/istio-gateways/istio-ingressgateway-default-v1-10-4',
              ],
            },
          },
        }}
      />,
    );
    const controlPlane = screen.getByRole('region', { name: 'Control plane' });
    expect(controlPlane).toHaveTextContent(
      'Sail prunes IstioRevision/default-v1-10-4 itself 30 s after it becomes inactive; the request waits until it is gone.',
    );
    expect(
      within(
        within(controlPlane).getByRole('list', { name: 'Deletions' }),
      ).getByText(
        'Deployment/istio-gateways/istio-ingressgateway-default-v1-10-4',
      ),
    ).toBeInTheDocument();
    const write = screen.getByTestId('planned-patch');
    expect(write).toHaveTextContent('(delete, step remove-control-plane)');
    expect(write).toHaveTextContent(
      'delete the object, only if its uid is still a1b2',
    );
    expect(screen.queryByText(/^Restarts/)).not.toBeInTheDocument();
  });
});
