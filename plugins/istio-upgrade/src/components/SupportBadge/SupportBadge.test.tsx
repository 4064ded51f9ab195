import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { describeSupport, SupportBadge } from './SupportBadge';

describe('SupportBadge', () => {
  it('labels end of life, ending soon, supported and unknown with their dates', () => {
    expect(
      describeSupport({
        status: 'end-of-life',
        minor: '1.9',
        endOfLife: '2021-10-08',
      }).label,
    ).toBe('End of life since 2021-10-08');
    expect(
      describeSupport({
        status: 'ending-soon',
        minor: '1.29',
        endOfLife: '2026-12-01',
        daysToEndOfLife: 6,
      }).explanation,
    ).toBe(
      'Istio 1.29 stops receiving fixes on 2026-12-01, in 6 days: plan the upgrade now.',
    );
    expect(
      describeSupport({ status: 'supported', endOfLife: '2027-01-01' }).label,
    ).toBe('Supported until 2027-01-01');
    expect(describeSupport({ status: 'unknown' }).label).toBe(
      'Support unknown',
    );
  });

  it('renders the badge with its explanation for assistive technology', async () => {
    await renderInTestApp(
      <SupportBadge
        support={{
          status: 'end-of-life',
          minor: '1.9',
          endOfLife: '2021-10-08',
        }}
      />,
    );
    expect(
      screen.getByLabelText(
        /End of life since 2021-10-08. Istio 1.9 no longer receives security fixes/,
      ),
    ).toBeInTheDocument();
  });
});
