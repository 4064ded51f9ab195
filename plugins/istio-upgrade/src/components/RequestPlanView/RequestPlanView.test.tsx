import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
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
});
