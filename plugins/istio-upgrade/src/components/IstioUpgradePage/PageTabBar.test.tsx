import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { PageTabBar } from './PageTabBar';

const TABS = [
  { value: 'fleet', label: 'Fleet' },
  { value: 'campaigns', label: 'Campaigns' },
  { value: 'history', label: 'History' },
] as const;

type Value = (typeof TABS)[number]['value'];

function Harness(props: { onChange?: (value: Value) => void }) {
  const [value, setValue] = useState<Value>('fleet');
  return (
    <>
      <PageTabBar
        label="Sections"
        tabs={TABS}
        value={value}
        onChange={next => {
          props.onChange?.(next);
          setValue(next);
        }}
      />
      <p>Showing {value}</p>
    </>
  );
}

describe('PageTabBar', () => {
  it('is a named tab list whose selected tab alone is in the tab order', () => {
    render(<Harness />);
    expect(screen.getByRole('tablist', { name: 'Sections' })).toBeVisible();
    const fleet = screen.getByRole('tab', { name: 'Fleet' });
    const campaigns = screen.getByRole('tab', { name: 'Campaigns' });
    expect(fleet).toHaveAttribute('aria-selected', 'true');
    expect(fleet).toHaveAttribute('tabindex', '0');
    expect(campaigns).toHaveAttribute('aria-selected', 'false');
    expect(campaigns).toHaveAttribute('tabindex', '-1');
  });

  it('selects a tab on click and reports only a change', async () => {
    const onChange = jest.fn();
    render(<Harness onChange={onChange} />);
    await userEvent.click(screen.getByRole('tab', { name: 'Fleet' }));
    expect(onChange).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('tab', { name: 'Campaigns' }));
    expect(onChange).toHaveBeenCalledWith('campaigns');
    expect(screen.getByText('Showing campaigns')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Campaigns' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });

  it('moves the focus with the arrows, Home and End, and selects with Enter', async () => {
    render(<Harness />);
    await userEvent.tab();
    expect(screen.getByRole('tab', { name: 'Fleet' })).toHaveFocus();
    await userEvent.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Campaigns' })).toHaveFocus();
    // Focus alone does not select (manual activation).
    expect(screen.getByText('Showing fleet')).toBeInTheDocument();
    await userEvent.keyboard('{End}');
    expect(screen.getByRole('tab', { name: 'History' })).toHaveFocus();
    await userEvent.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Fleet' })).toHaveFocus();
    await userEvent.keyboard('{ArrowLeft}');
    expect(screen.getByRole('tab', { name: 'History' })).toHaveFocus();
    await userEvent.keyboard('{Home}');
    expect(screen.getByRole('tab', { name: 'Fleet' })).toHaveFocus();
    await userEvent.keyboard('{ArrowRight}{Enter}');
    expect(screen.getByText('Showing campaigns')).toBeInTheDocument();
  });
});
