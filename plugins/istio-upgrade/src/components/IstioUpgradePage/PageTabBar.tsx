import Tab from '@material-ui/core/Tab';
import { makeStyles } from '@material-ui/core/styles';
import { KeyboardEvent, memo, useCallback, useRef } from 'react';

const useStyles = makeStyles(
  theme => ({
    // As MUI's Tabs with the Backstage theme: one row of tabs, no taller than the tabs themselves.
    root: {
      display: 'flex',
      minHeight: 24,
      overflow: 'hidden',
    },
    // As MUI's Tabs' indicator in the primary colour, drawn by the selected tab itself.
    selected: {
      '&::after': {
        content: '""',
        position: 'absolute',
        left: 0,
        right: 0,
        bottom: 0,
        height: 2,
        backgroundColor: theme.palette.primary.main,
      },
    },
  }),
  { name: 'IstioUpgradePageTabBar' },
);

/** One tab of a {@link PageTabBar}. */
export interface PageTabBarItem<T extends string> {
  value: T;
  label: string;
}

/** The keys that move the focus between tabs, as the WAI-ARIA tabs pattern describes. */
function nextTab(key: string, index: number, count: number): number | null {
  switch (key) {
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'ArrowRight':
      return (index + 1) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * A row of tabs that looks like MUI's `Tabs` (its `Tab`s, themed alike) but never measures the page.
 * MUI's `Tabs` read the tabs' geometry after each of their renders to place the sliding indicator:
 * on the fleet page that is a forced layout of the whole page, 200 cluster rows included, in the
 * commit that first shows them. Here the selected tab draws its own indicator with CSS instead.
 * Keyboard as WAI-ARIA tabs with manual activation: the arrows, Home and End move the focus (one tab
 * is in the tab order, the selected one), Enter or Space selects.
 */
function PageTabBarInner<T extends string>(props: {
  /** The tab list's accessible name. */
  label: string;
  tabs: ReadonlyArray<PageTabBarItem<T>>;
  value: T;
  onChange: (value: T) => void;
}) {
  const { label, tabs, value, onChange } = props;
  const classes = useStyles();
  const list = useRef<HTMLDivElement>(null);
  const handleKeyDown = useCallback((event: KeyboardEvent<HTMLElement>) => {
    const buttons = Array.from(
      list.current?.querySelectorAll<HTMLElement>('[role="tab"]') ?? [],
    );
    const index = buttons.indexOf(event.target as HTMLElement);
    if (index < 0) return;
    const next = nextTab(event.key, index, buttons.length);
    if (next === null) return;
    event.preventDefault();
    buttons[next].focus();
  }, []);
  return (
    <div ref={list} role="tablist" aria-label={label} className={classes.root}>
      {tabs.map(tab => (
        <Tab
          key={tab.value}
          value={tab.value}
          label={tab.label}
          textColor="primary"
          selected={tab.value === value}
          className={tab.value === value ? classes.selected : undefined}
          onKeyDown={handleKeyDown}
          onChange={(_: unknown, next: T) => {
            if (next !== value) onChange(next);
          }}
        />
      ))}
    </div>
  );
}

/** {@link PageTabBarInner}, memoized: a page's data arriving does not re-render its tabs. */
export const PageTabBar = memo(PageTabBarInner) as typeof PageTabBarInner;
